#!/usr/bin/env node
// The client loads outside VS Code, with stand-ins for the `vscode` module and the language
// client library: it exports `activate` and `deactivate`, and `activate` registers the
// restart command and starts a client that runs `deontic lsp` for `policy` documents.
'use strict';

const Module = require('module');
const path = require('path');

const registered = [];
const clients = [];
const vscode = {
  commands: { registerCommand: (name) => (registered.push(name), { dispose() {} }) },
  workspace: { getConfiguration: () => ({ get: (_key, fallback) => fallback }) },
  window: { showErrorMessage: (message) => console.error(message) },
};
class LanguageClient {
  constructor(id, name, server, options) {
    Object.assign(this, { id, name, server, options, started: false });
    clients.push(this);
  }
  async start() {
    this.started = true;
  }
  async stop() {
    this.started = false;
  }
}
const languageclient = { LanguageClient, TransportKind: { stdio: 0 } };
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return languageclient;
  return load.call(this, request, ...rest);
};

function fail(message) {
  console.error(message);
  process.exit(1);
}

const extension = require(path.join(__dirname, '..', 'extension.js'));
if (typeof extension.activate !== 'function' || typeof extension.deactivate !== 'function') {
  fail('extension.js does not export activate and deactivate');
}
extension
  .activate({ subscriptions: [] })
  .then(() => {
    if (JSON.stringify(registered) !== '["deontic.restartServer"]') fail(`registered ${registered}`);
    const [client] = clients;
    if (!client || !client.started) fail('no language client was started');
    if (client.id !== 'deontic') fail(`the client's id is ${client.id}`);
    const run = client.server.run;
    if (run.command !== 'deontic' || JSON.stringify(run.args) !== '["lsp"]') {
      fail(`the client runs ${run.command} ${run.args}`);
    }
    const languages = client.options.documentSelector.map((s) => s.language);
    if (!languages.every((l) => l === 'policy')) fail(`the client serves ${languages}`);
    console.log('ok activate registers deontic.restartServer and starts `deontic lsp`');
    return extension.deactivate();
  })
  .then(() => process.exit(clients[0].started ? 1 : 0))
  .catch((e) => fail(`activate failed: ${e && e.stack ? e.stack : e}`));
