#!/usr/bin/env python3
"""Turns the ANSI text of `tmux capture-pane -e -p` into an HTML page (a terminal's cells,
colours and bold), for docs/lsp-screenshot.sh to photograph with headless Chromium.

Usage: ansi_html.py < pane.txt > pane.html
"""
import html
import re
import sys

# xterm's 16 colours, then the 6x6x6 cube and the grey ramp of the 256-colour palette.
BASE = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
        "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]
LEVELS = [0, 95, 135, 175, 215, 255]
PALETTE = BASE + [f"#{LEVELS[i // 36]:02x}{LEVELS[i // 6 % 6]:02x}{LEVELS[i % 6]:02x}" for i in range(216)] \
    + [f"#{8 + 10 * i:02x}{8 + 10 * i:02x}{8 + 10 * i:02x}" for i in range(24)]
FG, BG = "#e5e5e5", "#1c1c1c"


def convert(text):
    state = {"fg": None, "bg": None, "bold": False, "italic": False, "underline": False, "reverse": False}
    out = []

    def apply(params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                state.update(fg=None, bg=None, bold=False, italic=False, underline=False, reverse=False)
            elif c == 1:
                state["bold"] = True
            elif c == 3:
                state["italic"] = True
            elif c == 4:
                state["underline"] = True
            elif c == 7:
                state["reverse"] = True
            elif c == 22:
                state["bold"] = False
            elif c == 23:
                state["italic"] = False
            elif c == 24:
                state["underline"] = False
            elif c == 27:
                state["reverse"] = False
            elif 30 <= c <= 37 or 90 <= c <= 97:
                state["fg"] = PALETTE[c - 30 if c < 90 else c - 82]
            elif 40 <= c <= 47 or 100 <= c <= 107:
                state["bg"] = PALETTE[c - 40 if c < 100 else c - 92]
            elif c == 39:
                state["fg"] = None
            elif c == 49:
                state["bg"] = None
            elif c in (38, 48) and i + 1 < len(codes):
                key = "fg" if c == 38 else "bg"
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    state[key] = PALETTE[codes[i + 2] % 256]
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    state[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
            i += 1

    def style():
        fg, bg = state["fg"] or FG, state["bg"] or BG
        if state["reverse"]:
            fg, bg = bg, fg
        css = f"color:{fg};background:{bg}"
        if state["bold"]:
            css += ";font-weight:bold"
        if state["italic"]:
            css += ";font-style:italic"
        if state["underline"]:
            css += ";text-decoration:underline"
        return css

    for piece in re.split(r"(\x1b\[[0-9;]*m)", text):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", piece)
        if m:
            apply(m.group(1))
        elif piece:
            out.append(f'<span style="{style()}">{html.escape(piece)}</span>')
    return "".join(out)


def main():
    body = convert(sys.stdin.read())
    print(f"""<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; background: {BG}; }}
pre {{ margin: 0; padding: 12px; font: 15px/1.25 "DejaVu Sans Mono", monospace; color: {FG}; }}
</style><pre>{body}</pre>""")


if __name__ == "__main__":
    main()
