-- Try the Neovim 0.11+ set-up of docs/howto.md ("Editor support") on a real server:
--   nvim --headless --clean -u benchmarks/editors/nvim_try.lua PAGE
-- (try.sh beside this file runs it on copies of the test projects).  Prints what the
-- editor got; exits 0 when every check of nvim_checks.lua passed, 1 otherwise.

-- >>> docs/howto.md: neovim
vim.lsp.config("designdoc", {
  cmd = { "designdoc", "lsp" },
  filetypes = { "rst", "markdown" },
  root_markers = { "conf.py", ".git" },
})
vim.lsp.enable("designdoc")
-- <<< docs/howto.md

dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "nvim_checks.lua")
