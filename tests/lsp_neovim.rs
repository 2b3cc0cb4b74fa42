//! `deontic lsp` with a real editor: Neovim (0.7, from the system's packages; `.ci/run`
//! installs it) runs headless on a policy with an error, waits for the diagnostics, asks for
//! a hover, a definition and the code actions, fixes the error, and waits for the lint's
//! finding on the fixed text; it writes what it saw to a file that this test reads.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The policy Neovim opens: rule `treaty` names an unknown fact.
const POLICY: &str = "fact national_security \"Een bedreiging van de nationale veiligheid\"
fact treaty_ban
action counterattack default forbidden \"Een tegenaanval\"
rule mandate: if national_security then must counterattack
rule treaty: if treaty_bam then must not counterattack
";

/// The harness, for Neovim 0.7 (no `vim.lsp.start`: `start_client` and
/// `buf_attach_client`). `.policy` files get the `policy` filetype, the client starts on it,
/// and the checks run once Neovim has entered, each step with a timeout; any failure is
/// written down and ends Neovim with a nonzero exit code.
const HARNESS: &str = r#"
local out_path = assert(os.getenv('DEONTIC_LSP_OUT'))
local server = assert(os.getenv('DEONTIC_BIN'))
local timeout = 20000
local seen = { errors = {}, publications = {} }

local function finish(code)
  for _, client in pairs(vim.lsp.get_active_clients()) do
    client.stop()
  end
  vim.wait(5000, function() return seen.server_exit ~= nil end, 20)
  local f = io.open(out_path, 'w')
  f:write(vim.fn.json_encode(seen))
  f:close()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. code) end
end

vim.defer_fn(function()
  table.insert(seen.errors, 'watchdog')
  finish(5)
end, timeout * 4)

vim.cmd([[autocmd BufRead,BufNewFile *.policy setfiletype policy]])

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'policy',
  callback = function(args)
    local id = vim.lsp.start_client({
      name = 'deontic',
      cmd = { server, 'lsp' },
      root_dir = vim.fn.getcwd(),
      handlers = {
        ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
          table.insert(seen.publications, result)
          vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
        end,
      },
      on_exit = function(code, signal) seen.server_exit = { code = code, signal = signal } end,
    })
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    else
      table.insert(seen.errors, 'start_client failed')
    end
  end,
})

local function wait_for(what, pred)
  if not vim.wait(timeout, pred, 20) then error('timed out waiting for ' .. what) end
end

local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(0, method, params, timeout)
  if not responses then error(method .. ': ' .. tostring(err)) end
  for _, r in pairs(responses) do
    if r.error then error(method .. ': ' .. vim.inspect(r.error)) end
    return r.result
  end
  error(method .. ': no answer')
end

local function shown()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(out, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end
  return out
end

local function codes(publication)
  local out = {}
  for _, d in ipairs(publication.diagnostics) do table.insert(out, d.code) end
  return table.concat(out, ',')
end

local function main()
  seen.filetype = vim.bo.filetype
  wait_for('diagnostics', function() return #seen.publications > 0 end)
  seen.first_shown = shown()
  local uri = vim.uri_from_bufnr(0)
  local function at(line, character)
    return { textDocument = { uri = uri }, position = { line = line, character = character } }
  end
  seen.hover = request('textDocument/hover', at(3, 47))
  seen.definition = request('textDocument/definition', at(3, 20))
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = 4, character = 17 }, ['end'] = { line = 4, character = 17 } },
    context = { diagnostics = {} },
  })
  seen.actions = {}
  for _, a in ipairs(actions or {}) do table.insert(seen.actions, a.title) end
  -- Fix the typo: the rules then conflict, which only the lint finds.
  vim.api.nvim_buf_set_lines(0, 4, 5, false, { 'rule treaty: if treaty_ban then must not counterattack' })
  wait_for('the lint of the fixed text', function()
    local last = seen.publications[#seen.publications]
    return last and codes(last) == 'conflict'
  end)
  seen.last_shown = shown()
  finish(0)
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, e = pcall(main)
    if not ok then
      table.insert(seen.errors, tostring(e))
      finish(4)
    end
  end,
})
"#;

#[test]
fn neovim_shows_the_diagnostics_hover_and_lint_of_deontic_lsp() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("harness.lua"), HARNESS).unwrap();
    std::fs::write(dir.path().join("broken.policy"), POLICY).unwrap();
    let out = dir.path().join("seen.json");
    let mut child = Command::new("nvim")
        .args([
            "--headless",
            "--clean",
            "-u",
            "harness.lua",
            "broken.policy",
        ])
        .current_dir(dir.path())
        .env("DEONTIC_BIN", env!("CARGO_BIN_EXE_deontic"))
        .env("DEONTIC_LSP_OUT", &out)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Neovim `nvim` is installed (`.ci/run` installs the neovim package)");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let seen: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("Neovim wrote what it saw"))
            .unwrap();
    assert!(status.success(), "Neovim failed ({status}): {seen:#}");
    assert_eq!(seen["errors"], serde_json::json!([]));
    assert_eq!(seen["filetype"], "policy");

    // The static error, as Neovim shows it: 0-based line and column.
    let first = &seen["first_shown"];
    assert_eq!(first.as_array().unwrap().len(), 1, "{first}");
    assert_eq!(first[0]["lnum"], 4);
    assert_eq!(first[0]["col"], 16);
    assert_eq!(first[0]["severity"], 1);
    assert_eq!(
        first[0]["message"],
        "unknown fact `treaty_bam`\ndid you mean `treaty_ban`?"
    );
    let published = &seen["publications"][0]["diagnostics"][0];
    assert_eq!(published["code"], "unknown-name");
    assert!(
        published["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/codes.md#unknown-name")
    );

    // The other rules still answer.
    assert_eq!(
        seen["hover"]["contents"]["value"],
        "**action** `counterattack`, default `forbidden`\n\nEen tegenaanval\n\nconcluded on by `mandate` (must)"
    );
    assert_eq!(seen["definition"]["range"]["start"]["line"], 0);
    assert_eq!(seen["definition"]["range"]["start"]["character"], 5);
    assert_eq!(
        seen["actions"],
        serde_json::json!(["replace `treaty_bam` by `treaty_ban`"])
    );

    // After the fix, the lint's conflict, with both rules.
    let last = &seen["last_shown"];
    assert_eq!(last.as_array().unwrap().len(), 1, "{last}");
    assert_eq!(last[0]["lnum"], 4);
    assert!(
        last[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("rules `mandate` and `treaty` conflict on `counterattack`")
    );
    let publications = seen["publications"].as_array().unwrap();
    let conflict = &publications.last().unwrap()["diagnostics"][0];
    assert_eq!(
        conflict["relatedInformation"][0]["location"]["range"]["start"]["line"],
        3
    );
    assert_eq!(conflict["data"]["witness"]["national_security"], true);
    assert_eq!(conflict["data"]["witness"]["treaty_ban"], true);

    // Neovim shut the server down cleanly.
    assert_eq!(seen["server_exit"]["code"], 0);
}
