"""markwatch's matcher: a plain library (no Scrapy) that turns a register of protected rights and
listings into scored, explained leads (CONTRACTS §1–§4).

Entry points: :func:`matchers.register.load_register` and :class:`matchers.matcher.Matcher`.
"""

from matchers import native as _native

_native.install()  # the mypyc build of the hot modules, when current (scripts/build_compiled.py)
