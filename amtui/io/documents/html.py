"""HTML from one Jinja2 template per document, and PDF from that HTML through WeasyPrint.

Jinja2 (BSD-3-Clause) imports in ~25 ms and WeasyPrint (BSD-3-Clause, the optional `pdf`
extra) in ~0.8 s on the project machine (`python -X importtime -c "import weasyprint"`), so
both are imported here only, and this module only by commands that render documents.

Safety: templates run in Jinja2's sandbox with autoescaping, so text from the data can never
become markup, a link or a script; a template (the built-in one or the user's) that fails is
one InputError naming the file and line. PDF rendering loads nothing from the network
(DESIGN §8a): only files under the template's own folder and amtui's shipped fonts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from amtui.core.errors import InputError
from amtui.core.text import one_line

if TYPE_CHECKING:
    from jinja2 import Template
    from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent / "fonts"
PDF_EXTRA = "PDF output needs the pdf extra: pip install 'amtui[pdf]' (and Pango, see README)"


def css_string(value: object) -> Markup:
    """Text for inside a CSS string in a <style> element: every character but letters, digits
    and a few plain marks becomes a CSS hex escape, so no quote, backslash or `</style>` from
    the data can leave the string."""
    from markupsafe import Markup

    safe = " .,:;·-_()/#№"
    return Markup(
        "".join(ch if ch.isalnum() or ch in safe else f"\\{ord(ch):06x}" for ch in str(value))
    )


def font_faces() -> Markup:
    """@font-face rules for the shipped DejaVu Sans (regular and bold), by file URL."""
    from markupsafe import Markup

    rules = [
        f'@font-face {{ font-family: "DejaVu Sans"; font-weight: {weight}; '
        f'src: url("{(FONTS / name).as_uri()}"); }}'
        for name, weight in (("DejaVuSans.ttf", "normal"), ("DejaVuSans-Bold.ttf", "bold"))
    ]
    return Markup("\n".join(rules))


def load_template(name: str, custom: str | Path | None) -> Template:
    """The built-in template `name`, or the user's file `custom` (which may include the
    built-in `_style.css` and anything next to it). Syntax errors are one InputError."""
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    if custom is not None:
        path = Path(custom).expanduser()
        if not path.is_file():
            raise InputError(f"template {one_line(str(path))} does not exist or is not a file")
        search, name = [str(path.parent), str(TEMPLATES)], path.name
    else:
        path, search = TEMPLATES / name, [str(TEMPLATES)]
    environment = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(search, encoding="utf-8"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["css_string"] = css_string
    try:
        return environment.get_template(name)
    except TemplateNotFound as error:
        raise InputError(f"template {one_line(str(path))}: {error.name} not found") from None
    except TemplateError as error:
        raise InputError(_describe(error, path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"template {one_line(str(path))} cannot be read: {error}") from None


def _describe(error: Exception, path: Path) -> str:
    line = getattr(error, "lineno", None)
    where = f"{path}, line {line}" if line else str(path)
    message = getattr(error, "message", None) or str(error)
    return one_line(f"template {where}: {message}")


def render_html(template: Template, context: dict[str, Any]) -> str:
    """Fill the template; a failing template (an unknown field, an error it raises, a loop
    over nothing) is one InputError naming the file and, where known, the line."""
    from jinja2 import TemplateError

    try:
        return template.render(**context)
    except TemplateError as error:
        path = Path(template.filename or template.name or "template")
        raise InputError(_describe(error, path)) from None
    except (TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError) as error:
        path = Path(template.filename or template.name or "template")
        raise InputError(_describe(error, path)) from None


def write_pdf(html: str, base: Path, target: Path) -> None:
    """Render `html` to a PDF file at `target` with fonts embedded (subsetted)."""
    try:
        import weasyprint
    except ImportError:
        raise InputError(PDF_EXTRA) from None
    except OSError as error:  # Pango or a library it needs is missing
        raise InputError(f"{PDF_EXTRA}: {one_line(str(error))}") from None

    allowed = [base.resolve(), FONTS.resolve(), TEMPLATES.resolve()]

    class LocalFetcher(weasyprint.URLFetcher):
        """Only our fonts and files next to the template; never the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.parse import unquote, urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"amtui documents load nothing from outside: {url}")

    document = weasyprint.HTML(
        string=html, base_url=str(base) + "/", url_fetcher=LocalFetcher(fail_on_errors=False)
    )
    document.write_pdf(str(target))
