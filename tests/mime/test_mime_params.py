"""Content-Type and Content-Disposition parameters (RFC 2045 §5.1, RFC 2231)."""

from __future__ import annotations

from mss.mime.params import (
    parse_content_type,
    parse_disposition,
    parse_language,
    split_segments,
)


def test_quoted_semicolons_and_escapes() -> None:
    assert parse_content_type('text/plain; name="a;b\\"c"; x=1') == (
        "text",
        "plain",
        (("name", 'a;b"c'), ("x", "1")),
    )


def test_comments_are_dropped() -> None:
    assert split_segments("text/plain (nested (comment)); charset=utf-8 (x)") == [
        "text/plain ",
        " charset=utf-8 ",
    ]


def test_rfc2231_single_encoded_value_with_language() -> None:
    _, params = parse_disposition("attachment; filename*=iso-8859-1'fr'r%E9sum%E9.txt") or ("", ())
    assert params == (("filename", "résumé.txt"),)


def test_rfc2231_value_replaces_plain_one_in_its_place() -> None:
    value = "attachment; filename=plain.txt; size=3; filename*=UTF-8''%C3%A9"
    _, params = parse_disposition(value) or ("", ())
    assert params == (("filename", "é"), ("size", "3"))


def test_rfc2231_sections_out_of_order_and_unknown_charset() -> None:
    _, params = parse_disposition("a; n*2=c; n*0*=x-unknown''%61; n*1=b") or ("", ())
    assert params == (("n", "abc"),)


def test_invalid_media_types() -> None:
    for value in ("", "text", "text/", "te xt/plain", "text/plain/x", "é/x"):
        assert parse_content_type(value) is None


def test_disposition_and_language() -> None:
    assert parse_disposition("  ") is None
    assert parse_disposition("INLINE") == ("inline", ())
    assert parse_language("fr-FR, (comment) en") == ("fr-FR", "en")
    assert parse_language(" , ") is None
