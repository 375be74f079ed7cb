// amtui's page: give the terminal the keyboard as soon as textual.js has opened it, so keys
// work without a click first. (A file, not an inline script: the page's Content-Security-
// Policy allows scripts from this server only.)
"use strict";
window.addEventListener("load", () => {
  const input = document.querySelector(".xterm-helper-textarea");
  if (input) {
    input.focus();
  }
});
