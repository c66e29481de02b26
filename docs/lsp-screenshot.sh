#!/usr/bin/env bash
# Takes docs/editor-lsp.png, the README's picture of an editor on policies/acme with
# `funnel lsp` attached: Neovim (its built-in LSP client) in tmux, showing a diagnostic (an
# unsaved typo) and a hover. The pane is captured as ANSI text, turned into HTML
# (docs/ansi_html.py) and photographed with headless Chromium. Needs nvim, tmux, python3 and
# chromium (apt: neovim tmux chromium); run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$(mktemp -d)
session="funnel-lsp-shot-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$out"' EXIT
cargo build --quiet -p funnel-cli
export PATH="$repo/target/debug:$PATH"
cp -r policies/acme "$out/acme"

# Neovim's own LSP client, configured as editors/README.md shows (this form works from 0.7).
cat > "$out/init.lua" <<'LUA'
vim.opt.termguicolors = false
vim.opt.number = true
vim.opt.signcolumn = "yes"
vim.opt.swapfile = false
vim.opt.shortmess:append("I")
vim.diagnostic.config({ virtual_text = true, signs = true, underline = true })
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(vim.lsp.handlers.hover, { border = "rounded" })
-- Quieter colours than 0.7's defaults (a magenta float, grey sign column) for the picture.
vim.cmd([[
  highlight NormalFloat ctermbg=235 ctermfg=252
  highlight FloatBorder ctermbg=235 ctermfg=244
  highlight SignColumn ctermbg=NONE
  highlight LineNr ctermfg=242
]])
vim.cmd("autocmd BufRead,BufNewFile *.funnel setfiletype funnel")
vim.api.nvim_create_autocmd("FileType", {
  pattern = "funnel",
  callback = function(args)
    local client = vim.lsp.start_client({
      name = "funnel",
      cmd = { "funnel", "lsp" },
      root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ":p:h"),
    })
    vim.lsp.buf_attach_client(args.buf, client)
  end,
})
LUA

tmux new-session -d -s "$session" -x 112 -y 34 \
  "cd $out/acme && nvim -u $out/init.lua +23 scoring.funnel"
sleep 3
# An unsaved typo on the line with the script call: the server reports it as you type.
tmux send-keys -t "$session" '/domain_tier(email)' Enter 'f(l' 'cwemial' Escape
sleep 2
# Hover a field where a let uses it: its type and schema (the float opens below, clear of
# the diagnostic).
tmux send-keys -t "$session" 'gg/country in' Enter ':nohlsearch' Enter ':lua vim.lsp.buf.hover()' Enter
sleep 2
tmux capture-pane -t "$session" -e -p > "$out/pane.ansi"
python3 docs/ansi_html.py < "$out/pane.ansi" > "$out/pane.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$out/profile" \
  --window-size=1060,720 --screenshot=docs/editor-lsp.png "file://$out/pane.html" 2>/dev/null
echo "wrote docs/editor-lsp.png"
