"""The search index after MkDocs wrote it: titles people read, and titles that match first.

Material's search segments Chinese with jieba by inserting zero-width spaces (U+200B) into every
title and text, and the browser-side index splits words there. The titles are also what a result
shows, so people saw (and copied) the invisible spaces, and a title was matched only word by
word — a search for a name ranked pages that merely mention it beside the page that has it as its
title, and a Chinese name jieba splits differently from the query found nothing.

So, per document: the title loses its zero-width spaces (it becomes whole tokens such as
`云雀算力（虚构）`, which a typed prefix `云雀算力` matches in the title field, where Material's
boost puts it first), and its segmented words move to the front of the text, so that each word of
a title still finds the page.
"""

from __future__ import annotations

import json
from pathlib import Path

ZWSP = "\u200b"


def tidy_index(site_dir: Path) -> bool:
    """Rewrite `site_dir/search/search_index.json` in place; False when there is none."""
    path = site_dir / "search" / "search_index.json"
    try:
        index = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    for doc in index.get("docs") or []:
        title = doc.get("title")
        if not isinstance(title, str) or ZWSP not in title:
            continue
        doc["title"] = title.replace(ZWSP, "")
        text = doc.get("text") or ""
        doc["text"] = f"{title}{ZWSP}{text}" if text else title
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True
