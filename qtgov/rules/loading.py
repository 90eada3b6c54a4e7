"""Rules whose findings come from reading and parsing files (docs/design/bad-input.md) and from the schemas."""

from qtgov.findings import Severity
from qtgov.rules import declare

LOAD = "files and YAML"

declare(
    "file-name",
    Severity.ERROR,
    "Record file names are lower-case slugs ending in .yaml",
    """
    A record's id is its file name without `.yaml`, so the name must be a usable id: 2–63
    characters, lower-case letters `a-z`, digits and `-`, starting with a letter or digit.
    Upper-case letters, spaces, dots and other characters are refused because ids become URLs,
    output paths and git paths, and two names that differ only by case collide on some systems.
    `shared` is reserved (it means "all parties" in an allocation) and cannot be a record id.
    Rename the file; fix every reference to the old id.

    A hidden file that looks like a record (`members/.acme.yaml`, `agreements/.draft.yml`) is
    reported too: qtgov does not read dot-files, so such a record would silently not count
    while a reviewer may think it does. Other dot-files (`.gitkeep`, editor swap files) are
    tools' business and are left alone.
    """,
    LOAD,
)
declare(
    "file-type",
    Severity.ERROR,
    "Records are regular files, never symbolic links",
    """
    qtgov never follows a symbolic link and reads only regular files: a link could point outside
    the repository (for example at a secret) and its target would be published. Commit the file
    itself in place of the link, and remove devices, pipes and directories from record folders.
    """,
    LOAD,
)
declare(
    "file-size",
    Severity.ERROR,
    "Record files stay under the size limit",
    """
    A record file larger than 1 MiB is refused before it is parsed: no real member or agreement
    needs that much text, and parsing arbitrarily large input would let one bad file stall CI.
    Keep long texts in `documents` (by path and hash) and keep the record itself short.
    """,
    LOAD,
)
declare(
    "file-encoding",
    Severity.ERROR,
    "Record files are UTF-8",
    """
    Records must be UTF-8 (a byte-order mark is accepted). The finding points at the first byte
    that is not valid UTF-8. Re-save the file as UTF-8 in your editor.
    """,
    LOAD,
)
declare(
    "file-characters",
    Severity.ERROR,
    "No NUL, control or bidirectional-override characters",
    """
    NUL, control characters (other than tab and line breaks), the Unicode line and paragraph
    separators (U+2028, U+2029) and Unicode bidirectional embedding, override and isolate
    characters (U+202A–U+202E, U+2066–U+2069) are refused. Bidi overrides can make text display
    differently from what it says — in a signed agreement that is a way to mislead a signatory —
    control characters corrupt reports and terminals, and YAML counts the separators as line
    breaks where most editors do not, so every position after one would be wrong.

    The same characters are refused when they are written as YAML escapes inside a quoted
    string (`"\\e[31m"`, `"\\u202e"`, `"\\0"`, and `"\\r"`): what counts is the text a key or
    value holds once decoded, not only the bytes of the file. Such a finding points at the
    string that holds the character.
    """,
    LOAD,
)
declare(
    "url-characters",
    Severity.ERROR,
    "URLs are printable ASCII",
    """
    A value that is a URL (it starts with a scheme such as `https://`) may hold only printable
    ASCII characters: no spaces, no letters from other scripts. A Cyrillic `а` looks exactly
    like a Latin `a`, so `https://hub.exаmple.org` can lead somewhere other than where it reads,
    and a published handbook would carry the link. Percent-encode other characters
    (`%E4%BE%8B`) and write an international host name in its `xn--` (punycode) form.
    """,
    LOAD,
)
declare(
    "file-empty",
    Severity.ERROR,
    "A record file holds a record",
    """A record file that is empty, or holds only comments or `null`, is an error: delete it or
    write the record.""",
    LOAD,
)
declare(
    "front-matter",
    Severity.ERROR,
    "A Markdown record opens with its fields as front matter",
    """
    A Markdown retrospective (`retrospectives/<id>.md`) starts with a line `---`, then its fields
    in YAML (the same fields as `retrospectives/<id>.yaml`, checked by the same schema), then
    another line `---`; everything after that line is the body, kept as written. A file that does
    not start with `---`, whose front matter is never closed, is empty or is not a mapping of
    fields, or that names `body` as a field (the body is the text after the front matter) is an
    error at the place in the .md file.

    ```markdown
    ---
    id: bundle-2025
    title: The course bundle, a year on
    date: 2025-12-20
    authors: [songtao-training]
    visibility: public
    concerns: {agreements: [rs-course-bundle]}
    ---
    What happened, in Markdown.
    ```
    """,
    LOAD,
)
declare(
    "yaml-syntax",
    Severity.ERROR,
    "YAML syntax error",
    """The file is not well-formed YAML. The position is where the parser noticed the problem;
    the mistake is often on the line before (a missing `:`, bad indentation, an unclosed quote).""",
    LOAD,
)
declare(
    "yaml-punctuation",
    Severity.ERROR,
    "ASCII punctuation where YAML needs it",
    """
    A Chinese (or Japanese) input method easily types a full-width look-alike where YAML's
    syntax needs an ASCII character. YAML then either stops with a message that names a symptom
    a line later, or quietly reads something else: `name：Acme` is not a field, `[zh，en]` is
    a list of one item, `－ member: acme` is a key named "－ member". qtgov names the
    character instead, at its line and column:

    | typed | meant |
    |---|---|
    | `：` full-width colon after a field name | `: ` (ASCII colon and a space) |
    | `，` or `、` between the items of `[ ]` or `{ }` | `,` |
    | `－`, `–`, `—` or `−` starting a list item | `- ` |
    | full-width space (U+3000) in the indentation | ASCII spaces |
    | `【 】`, `［ ］`, `｛ ｝` around a list | `[ ]` (or `{ }`) |
    | `“ ”`, `‘ ’`, `「 」` around a key | `"…"`, or no quotes |

    Chinese prose uses `：`, `，` and `【】` all the time, so a value is only flagged where the
    pattern is structural (a colon right after an ASCII field-like word, a comma inside
    brackets, a value wholly wrapped in `【 】`). Quoted strings are never checked: if such a
    value really is text, put it in quotes.
    """,
    LOAD,
)
declare(
    "yaml-ambiguous",
    Severity.ERROR,
    "Plain values that other YAML tools read differently",
    """
    qtgov's scalar rules are strict: only plain `true`, `false`, `null`, decimal integers
    without leading zeros and decimals such as `0.5` are typed, and every other plain value is
    text. Other tools are not so strict. Editors (YAML 1.2) read `0x1F`, `0o17`, `0755`, `+1`,
    `1e3`, `.5`, `.inf`, `~`, `True` and `NULL` as numbers, booleans or null; YAML 1.1
    libraries also read `yes`, `no`, `on`, `off`, `y`, `n`, `1_000`, `0b101` and `1:30` (as 90).
    A record holding such a value would mean one thing in CI and another in an editor or in a
    third party's script, and an agreement's content hash would be computed over different
    data.

    So each such plain value (or key) is an error that asks for quotes: write `"0755"` if it is
    text, or the number the way every tool reads alike (`493`, `1000`, `0.5`). It is an error
    rather than a warning because the fix is two quote marks and the risk is that signatories'
    tools disagree about what was signed. Dates such as `2025-01-01` are not flagged: YAML 1.2
    reads them as text too.
    """,
    LOAD,
)
declare(
    "yaml-depth",
    Severity.ERROR,
    "Nesting deeper than 64 levels",
    """
    Records are never nested more than a few levels deep. Anything deeper than 64 levels is
    refused while streaming the parser's events, before a document is built: libyaml's composer
    recurses once per level and crashes the whole process on deeply nested input, so a hostile
    file could otherwise take CI down with it.
    """,
    LOAD,
)
declare(
    "yaml-anchor",
    Severity.ERROR,
    "No anchors, aliases or merge keys",
    """
    YAML anchors (`&a`), aliases (`*a`) and merge keys (`<<`) are refused. They make a record say
    things that are not written where a reviewer reads them, and aliases allow exponential
    "billion laughs" expansion. Write each value out in full.
    """,
    LOAD,
)
declare(
    "yaml-tag",
    Severity.ERROR,
    "No YAML tags",
    """Explicit tags (`!!str`, `!!python/object`, `!custom`) are refused: records are plain data.
    Quote a value to make it a string.""",
    LOAD,
)
declare(
    "yaml-multi-document",
    Severity.ERROR,
    "One YAML document per file",
    """A record file holds exactly one YAML document; a second `---` starts another and is
    refused. Put each record in its own file.""",
    LOAD,
)
declare(
    "yaml-duplicate-key",
    Severity.ERROR,
    "Duplicate mapping key",
    """
    A key appears twice in one mapping. YAML parsers disagree on which value wins (most keep the
    last silently), so a reviewer may read one value while qtgov and the signatories' tools use
    another. Remove one of them.
    """,
    LOAD,
)
declare(
    "yaml-key",
    Severity.ERROR,
    "Mapping keys are plain strings",
    """
    Every key must be a string. Under qtgov's scalar rules a plain `1`, `true` or `null` as a key
    is a number, boolean or null, and complex keys (`? [a, b]`) are never meaningful in a record.
    Quote the key (`"2025": …`).

    qtgov's scalar rules, for values: only plain `true`, `false`, `null`, integers and decimals
    are typed; every other plain scalar — `NO`, `on`, `0755`, `1:30`, `1e3`, `2025-01-01` — is a
    string, so YAML 1.1's surprises (`NO` read as false, `1:30` as 90) cannot happen inside
    qtgov. Because other tools would still read those values differently, a plain value of that
    kind is reported as `yaml-ambiguous` and wants quotes.
    """,
    LOAD,
)
declare(
    "yaml-number",
    Severity.ERROR,
    "Numbers stay within JSON's exact range",
    """
    A plain number must be representable exactly in JSON: integers between −(2⁵³−1) and
    2⁵³−1, and decimals that are finite. Records are hashed as RFC 8785 canonical JSON when they
    are signed, and JSON cannot carry larger integers without rounding them, so two different
    numbers could otherwise sign as the same content. Quote the value if it is an identifier or
    other text (`"12345678901234567890"`).
    """,
    LOAD,
)
declare(
    "schema",
    Severity.ERROR,
    "Record does not match its JSON Schema",
    """
    Every record is validated against its JSON Schema (draft 2020-12, shipped with qtgov and
    downloadable from the handbook). Objects are closed: an unknown field is an error, so typos
    are caught; alliance-specific fields use an `x-` prefix. Dates are `YYYY-MM-DD`, durations
    ISO 8601 (`P12M`), and text fields take a string or a map of language to string. The finding
    points at the offending value (or key, for unknown fields); for choices between alternatives
    the most relevant error is shown.
    """,
    "schema",
)
