"""Source code and plain text as an upload type (`CODE_AND_TEXT`), for routes that take students' work.

Text has no magic number, so it is decided safely from both the bytes and the name:

- the bytes read before deciding (the upload's sniff window) decode as UTF-8 (a BOM is allowed) and hold
  no NUL and no control character other than tab, line feed, form feed and carriage return, so no
  binary format (PDF, ZIP, images, executables) passes as text;
- the stored name keeps the client's extension only if it is one of `TEXT_EXTENSIONS` (code, notebooks,
  data, plain text). Markup a browser would run (`.html`, `.svg`, `.xhtml`) is not among them: such a
  file, like any text sent under another name, is stored as `<name>.txt`.

Stored objects of this type are served as `text/plain; charset=utf-8` with `nosniff`, never as markup.
Zip archives of code are the `ZIP` type (`lms.platform.uploads`), which submissions take as well.
"""
from __future__ import annotations

import codecs
import re

from lms.platform.uploads import MiB, FileType

# The names a text upload may keep; the first is what any other text file's stored name ends in.
TEXT_EXTENSIONS = (
    "txt", "py", "ipynb", "md", "rst", "csv", "tsv", "json", "yaml", "yml", "toml", "ini", "cfg", "xml",
    "java", "kt", "kts", "scala", "groovy", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "fs", "go", "rs",
    "swift", "m", "mm", "js", "mjs", "cjs", "ts", "tsx", "jsx", "rb", "php", "pl", "pm", "lua", "r", "jl",
    "dart", "hs", "ml", "ex", "exs", "erl", "clj", "lisp", "scm", "sql", "sh", "bash", "zsh", "ps1", "bat",
    "asm", "s", "v", "vhd", "sv", "tex", "bib", "css", "scss", "less", "vue", "svelte", "gradle", "cmake",
    "mk", "dockerfile", "proto", "graphql", "log", "diff", "patch",
)
TEXT_MAX_BYTES = 5 * MiB
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # all but tab, line feed, form feed, carriage return


def is_text(head: bytes) -> bool:
    """Whether the first bytes of a file are UTF-8 text without NUL or other control characters."""
    if not head:
        return False
    try:
        # Not final: the window may end inside a multi-byte character.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


CODE_AND_TEXT = FileType("Text", "code or text", TEXT_EXTENSIONS, "text/plain; charset=utf-8", TEXT_MAX_BYTES,
                         is_text)
CODE_AND_TEXT_TYPES = (CODE_AND_TEXT,)
