// amtui's page: give the terminal the keyboard once the app has drawn, so keys work without
// a click first. Not before: textual.js tells the app about focus over the websocket, which
// must be open by then. (A file, not an inline script: the page's Content-Security-Policy
// allows scripts from this server only.)
"use strict";
window.addEventListener("load", () => {
  const body = document.body;
  const focus = () => {
    const input = document.querySelector(".xterm-helper-textarea");
    if (input && body.classList.contains("-first-byte")) {
      input.focus();
      return true;
    }
    return false;
  };
  if (!focus()) {
    const watch = new MutationObserver(() => {
      if (focus()) {
        watch.disconnect();
      }
    });
    watch.observe(body, { attributes: true, attributeFilter: ["class"] });
  }
});
