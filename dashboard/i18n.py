"""Chinese by default, English on request (sidebar switch or ?lang=en)."""

from __future__ import annotations

import streamlit as st

from core.text import TEXT, text

__all__ = ["TEXT", "lang", "site_name", "t", "text"]


def lang() -> str:
    if "lang" not in st.session_state:
        st.session_state.lang = "en" if st.query_params.get("lang") == "en" else "zh"
    return st.session_state.lang


def t(key: str) -> str:
    return text(key, lang())


def site_name(code: str, name_zh: str, name_en: str) -> str:
    return name_en if lang() == "en" else name_zh
