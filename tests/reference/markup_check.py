"""Independent check of the SVG plots and HTML reports semspace writes: parses them with Python's XML parser
(expat, through xml.etree), so a stray '<', '&' or control byte fails the parse, and prints what a browser would
show as one JSON object.

usage: markup_check.py FILE
Prints {"root": tag, "points": [{"cx", "cy", "fill", "title"}...] (the circles of the g id="points" groups, in
order; title null when absent), "texts": [all text content of <text> elements], "sections": [ids of <section>
elements], "cells": [text of every <td>], "headings": [text of h1/h2]}. Exit 1 with the parser's message when
the file is not well-formed.
"""
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def local(tag):
    return tag.split("}", 1)[-1]


def text_of(element):
    return "".join(element.itertext())


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as error:
        print(f"not well-formed: {error}")
        sys.exit(1)
    out = {"root": local(root.tag), "points": [], "texts": [], "sections": [], "cells": [], "headings": []}
    for element in root.iter():
        tag = local(element.tag)
        if tag == "g" and element.get("id", "").startswith("points"):
            for circle in element:
                if local(circle.tag) != "circle":
                    continue
                titles = [c for c in circle if local(c.tag) == "title"]
                out["points"].append({
                    "cx": float(circle.get("cx")),
                    "cy": float(circle.get("cy")),
                    "fill": circle.get("fill"),
                    "titles": len(titles),
                    "title": titles[0].text if titles else None,
                })
        elif tag == "text":
            out["texts"].append(text_of(element))
        elif tag == "section":
            out["sections"].append(element.get("id"))
        elif tag == "td":
            out["cells"].append(text_of(element))
        elif tag in ("h1", "h2"):
            out["headings"].append(text_of(element))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
