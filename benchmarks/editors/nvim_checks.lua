-- The checks the Neovim set-ups run once the page is open (Neovim 0.7 and newer):
-- hover, definition and completion on the page, then an edit that makes a link
-- dangle, its diagnostic, and the undo that clears it.

-- print() in a headless Neovim does not end its lines
local function print(text)
  io.stdout:write(text, "\n")
end

local failed = false
local function check(ok, what)
  print((ok and "ok   " or "FAIL ") .. what)
  if not ok then
    failed = true
  end
end
local function finish()
  vim.cmd(failed and "cquit 1" or "qall!")
end

local function designdoc(buf)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf })
    or vim.lsp.buf_get_clients(buf) -- before 0.10
  for _, client in pairs(clients) do
    if client.name == "designdoc" then
      return client
    end
  end
end

local function dangling(buf)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "designdoc.dangling" then
      return true
    end
  end
  return false
end

-- after start-up, when filetype detection is on and the page is open
local function try()
  local page = vim.fn.argv(0)
  local buf = vim.api.nvim_get_current_buf()
  local version = vim.version()
  print(string.format("nvim %d.%d.%d, %s, filetype %s", version.major, version.minor,
    version.patch, page, vim.bo.filetype))

  check(vim.wait(10000, function() return designdoc(buf) ~= nil end, 50),
    "the server attached to the page")
  local client = designdoc(buf)
  if client == nil then
    return finish()
  end
  print("root: " .. tostring(client.config.root_dir))

  -- the line that uses DEP-1, and the place of REQ-1 on the :addresses: line (0-based)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local uses, addresses
  for i, line in ipairs(lines) do
    if not uses and line:find(":uses: DEP%-1") then
      uses = i - 1
    end
    if not addresses and line:find(":addresses: REQ%-1") then
      addresses = { i - 1, line:find("REQ%-1") }
    end
  end

  local function request(method, params)
    local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
    for _, answer in pairs(answers) do
      return answer.result, answer.err
    end
  end
  local function at(line, column)
    return {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      position = { line = line, character = column },
    }
  end

  -- wait for the index (the server reads the workspace in the background)
  vim.wait(5000, function()
    local symbols = request("workspace/symbol", { query = "REQ-1" })
    return symbols ~= nil and #symbols > 0
  end, 100)

  -- hover and definition on REQ-1 of an :addresses: option
  local hover = request("textDocument/hover", at(addresses[1], addresses[2] - 1))
  local text = hover and hover.contents and (hover.contents.value or vim.inspect(hover.contents))
    or ""
  print("hover on REQ-1:\n  " .. text:gsub("\n", "\n  "))
  check(text:find("REQ%-1") ~= nil, "hover names REQ-1")
  local definition = request("textDocument/definition", at(addresses[1], addresses[2] - 1))
  local target = definition and (definition[1] or definition) or {}
  print("definition of REQ-1: " .. vim.inspect(target):gsub("%s+", " "))
  check(target.uri ~= nil and target.uri:find("index%.") ~= nil,
    "definition of REQ-1 leads to the index page")

  -- completion after ":uses: " lists the dependencies
  local completion = request("textDocument/completion",
    at(uses, lines[uses + 1]:find("DEP") - 1))
  local labels = {}
  for _, item in ipairs(completion and (completion.items or completion) or {}) do
    table.insert(labels, item.label)
  end
  print("completion on the :uses: line: " .. table.concat(labels, " "))
  check(vim.tbl_contains(labels, "DEP-2"), "completion offers DEP-2")

  -- edit DEP-1 to DEP-9: the page now links to an ID nobody declares
  local line = lines[uses + 1]
  vim.api.nvim_buf_set_lines(buf, uses, uses + 1, false, { (line:gsub("DEP%-1", "DEP-9")) })
  local found = vim.wait(10000, function() return dangling(buf) end, 100)
  print("diagnostics after the edit:")
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    print(string.format("  %d:%d %s [%s] %s", d.lnum + 1, d.col + 1, d.source or "",
      d.code or "", d.message))
  end
  check(found, "designdoc.dangling on the edited line")

  -- undo: the diagnostic goes away
  vim.api.nvim_buf_set_lines(buf, uses, uses + 1, false, { line })
  check(vim.wait(10000, function() return not dangling(buf) end, 100),
    "the diagnostic goes once the edit is undone")

  finish()
end

vim.api.nvim_create_autocmd("VimEnter", { callback = try })
