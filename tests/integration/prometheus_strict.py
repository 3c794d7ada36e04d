"""A strict reader of the Prometheus text exposition format (version 0.0.4).

parse(text) returns {"types": {family: type}, "help": {family: text},
"samples": {(name, (("label", "value"), ...)): float}} or raises ParseError for
anything the format does not allow, plus what Prometheus tolerates but a
careful exporter never does: blank lines, a sample before its family's TYPE,
a family whose samples are not one contiguous group, a second HELP or TYPE, a
duplicate series, a counter not ending in _total or going negative, a missing
final newline. Standard library only.
"""

import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class ParseError(ValueError):
    pass


def _unescape(text, allowed, where):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in allowed:
                raise ParseError(f"{where}: bad escape in {text!r}")
            out.append({"\\": "\\", "n": "\n", '"': '"'}[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _value(text, where):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    if not FLOAT.fullmatch(text):
        raise ParseError(f"{where}: bad value {text!r}")
    return float(text)


def _sample(line, where):
    m = NAME.match(line)
    if not m:
        raise ParseError(f"{where}: no metric name")
    name, i = m.group(0), m.end()
    labels = []
    if i < len(line) and line[i] == "{":
        i += 1
        while True:
            if i < len(line) and line[i] == "}":
                i += 1
                break
            lm = LABEL.match(line, i)
            if not lm:
                raise ParseError(f"{where}: bad label name")
            lname = lm.group(0)
            if lname.startswith("__"):
                raise ParseError(f"{where}: reserved label name {lname}")
            i = lm.end()
            if line[i:i + 2] != '="':
                raise ParseError(f"{where}: expected =\" after {lname}")
            i += 2
            start = i
            while i < len(line) and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            if i >= len(line):
                raise ParseError(f"{where}: unterminated label value")
            labels.append((lname, _unescape(line[start:i], '\\n"', where)))
            i += 1
            if i < len(line) and line[i] == ",":
                i += 1
            elif i < len(line) and line[i] == "}":
                i += 1
                break
            else:
                raise ParseError(f"{where}: expected , or }} after a label")
        if len({k for k, _ in labels}) != len(labels):
            raise ParseError(f"{where}: a label appears twice")
    rest = line[i:]
    if not rest.startswith(" "):
        raise ParseError(f"{where}: expected one space before the value")
    parts = rest[1:].split(" ")
    if len(parts) not in (1, 2) or "" in parts:
        raise ParseError(f"{where}: expected 'value [timestamp]' after the name")
    value = _value(parts[0], where)
    if len(parts) == 2 and not re.fullmatch(r"-?[0-9]+", parts[1]):
        raise ParseError(f"{where}: bad timestamp {parts[1]!r}")
    return name, tuple(sorted(labels)), value


def parse(text):
    if not text.endswith("\n"):
        raise ParseError("the text does not end with a newline")
    if "\r" in text:
        raise ParseError("carriage return in the text")
    types, helps, samples = {}, {}, {}
    finished = set()   # families whose group of samples is over
    current = None     # family of the previous line
    for n, line in enumerate(text[:-1].split("\n"), 1):
        where = f"line {n}"
        if line == "":
            raise ParseError(f"{where}: blank line")
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                family = parts[2]
                if not NAME.fullmatch(family):
                    raise ParseError(f"{where}: bad family name {family!r}")
                if family in finished or (family in types and current != family):
                    raise ParseError(f"{where}: {family} comes back after other families")
                if parts[1] == "HELP":
                    if family in helps:
                        raise ParseError(f"{where}: second HELP for {family}")
                    helps[family] = _unescape(parts[3] if len(parts) > 3 else "", "\\n", where)
                else:
                    if family in types:
                        raise ParseError(f"{where}: second TYPE for {family}")
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise ParseError(f"{where}: bad TYPE line")
                    if any(s[0] == family for s in samples):
                        raise ParseError(f"{where}: TYPE after samples of {family}")
                    types[family] = parts[3]
                if current is not None and current != family:
                    finished.add(current)
                current = family
                continue
            if not line.startswith("# "):
                raise ParseError(f"{where}: bad comment")
            continue
        name, labels, value = _sample(line, where)
        family = name
        if family not in types:
            raise ParseError(f"{where}: sample of {name} without a TYPE line")
        if current != family:
            if family in finished:
                raise ParseError(f"{where}: samples of {family} are not one group")
            if current is not None:
                finished.add(current)
            current = family
        if types[family] == "counter":
            if not family.endswith("_total"):
                raise ParseError(f"{where}: counter {family} does not end in _total")
            if value < 0 or math.isnan(value):
                raise ParseError(f"{where}: counter {family} is {value}")
        key = (name, labels)
        if key in samples:
            raise ParseError(f"{where}: duplicate series {name}{dict(labels)}")
        samples[key] = value
    for family in types:
        if family not in helps:
            raise ParseError(f"{family} has a TYPE but no HELP")
    return {"types": types, "help": helps, "samples": samples}


def value(parsed, name, **labels):
    """The sample's value; KeyError when it is not there."""
    return parsed["samples"][(name, tuple(sorted(labels.items())))]


def total(parsed, name):
    """Sum over every series of a family."""
    return sum(v for (n, _), v in parsed["samples"].items() if n == name)
