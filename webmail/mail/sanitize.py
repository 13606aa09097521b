"""Hostile HTML made inert: what is left may be shown inside the sandboxed message frame.

nh3 (ammonia) keeps only an allow-list of tags, attributes, URL schemes and CSS properties:
scripts, event handlers, ``javascript:`` links, forms, ``<style>``, SVG and frames are gone.
nh3 keeps remote ``<img>`` sources, so this module removes them unless the patient has allowed
images for this message (a remote image tells the sender when and where mail was read), and
replaces ``cid:`` references by ``data:`` URIs of the message's own inline parts, so that the
frame needs no request at all. The frame's policy (webmail/mail/frame.py) enforces the same again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import nh3

_ATTRIBUTES: dict[str, set[str]] = {tag: set(v) for tag, v in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"style", "title", "dir", "lang"}
_ATTRIBUTES["td"] = _ATTRIBUTES.get("td", set()) | {"width", "valign", "bgcolor"}
_ATTRIBUTES["table"] = _ATTRIBUTES.get("table", set()) | {"width", "cellpadding", "cellspacing"}
_ATTRIBUTES["font"] = {"color", "face", "size"}
_TAGS = set(nh3.ALLOWED_TAGS) | {"font"}
_URL_SCHEMES = {"http", "https", "mailto", "cid"}
# Properties that cannot load anything nor lift content out of its place on the page
# (no url(), no position, no z-index): colours, text and box spacing only.
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "line-height",
    "text-align",
    "text-decoration",
    "text-transform",
    "vertical-align",
    "white-space",
    "margin",
    "margin-top",
    "margin-bottom",
    "margin-left",
    "margin-right",
    "padding",
    "padding-top",
    "padding-bottom",
    "padding-left",
    "padding-right",
    "border",
    "border-collapse",
    "border-color",
    "border-style",
    "border-width",
    "width",
    "max-width",
    "height",
}


@dataclass(frozen=True, slots=True)
class SanitisedHtml:
    html: str
    remote_images: int


def sanitise(html: str, *, allow_remote: bool, inline: Mapping[str, str]) -> SanitisedHtml:
    """Clean ``html``; ``inline`` maps Content-IDs (without brackets) to ``data:`` URIs."""
    remote = 0

    def keep(tag: str, attribute: str, value: str) -> str | None:
        nonlocal remote
        if tag == "img" and attribute == "src":
            lowered = value.strip().lower()
            if lowered.startswith("cid:"):
                return inline.get(value.strip()[4:].strip("<>"))
            if lowered.startswith(("http:", "https:")):
                remote += 1
                return value if allow_remote else None
            return None  # relative or other schemes: nothing the frame could load
        return value

    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_STYLE_PROPERTIES,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
    return SanitisedHtml(cleaned, remote)
