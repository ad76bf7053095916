-- Try the nvim-lspconfig set-up of docs/howto.md ("Editor support"), for Neovim
-- before 0.11, on a real server (LSPCONFIG: a checkout of nvim-lspconfig):
--   nvim --headless --clean --cmd "set rtp+=$LSPCONFIG" \
--     -u benchmarks/editors/nvim_lspconfig_try.lua PAGE
-- Prints what the editor got; exits 0 when every check of nvim_checks.lua passed.

-- >>> docs/howto.md: neovim-lspconfig
local configs = require("lspconfig.configs")
configs.designdoc = configs.designdoc or {
  default_config = {
    cmd = { "designdoc", "lsp" },
    filetypes = { "rst", "markdown" },
    root_dir = require("lspconfig.util").root_pattern("conf.py", ".git"),
  },
}
require("lspconfig").designdoc.setup({})
-- <<< docs/howto.md

dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "nvim_checks.lua")
