"""gotmpl: Go's text/template in Python, faithful to Go 1.27 byte for byte.

    >>> from gotmpl import Template
    >>> t = Template("greeting").parse("{{if .}}hello {{.}}{{end}}")
    >>> str(t.root)
    '{{if .}}hello {{.}}{{end}}'

Modules: ``lexer`` (tokens), ``grammar.lark`` + ``parser`` (the parse tree),
``nodes`` (node classes), ``strconv`` (Go's quoting and number syntax),
``template`` (template sets), ``funcs`` (function sets), ``batch`` (the oracle's
JSON Lines protocol), ``cli`` (the ``gotmpl`` command).
"""

from . import gotime as _gotime  # noqa: F401 - registers time.Duration and time.Time
from .nodes import Tree
from .parser import PARSE_COMMENTS, SKIP_FUNC_CHECK, ParseError
from .template import Template, parse_files, parse_glob

__all__ = [
    "Template",
    "Tree",
    "ParseError",
    "parse_files",
    "parse_glob",
    "PARSE_COMMENTS",
    "SKIP_FUNC_CHECK",
]
__version__ = "0.1.0"
