// The VS Code client of `deontic lsp`: it starts the language server for `.policy` files
// and restarts it on request. Everything else (diagnostics, hover, quick fixes, code
// lenses and their commands) comes from the server.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function newClient() {
  const command = vscode.workspace.getConfiguration('deontic').get('server.path', 'deontic');
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  // The id `deontic` makes the client read the `deontic.trace.server` setting.
  return new LanguageClient('deontic', 'deontic', { run: server, debug: server }, {
    documentSelector: [
      { scheme: 'file', language: 'policy' },
      { scheme: 'untitled', language: 'policy' },
    ],
  });
}

async function start() {
  client = newClient();
  try {
    await client.start();
  } catch (e) {
    const path = vscode.workspace.getConfiguration('deontic').get('server.path', 'deontic');
    vscode.window.showErrorMessage(
      `deontic: could not start \`${path} lsp\` (${e && e.message ? e.message : e}); ` +
        'install deontic or set `deontic.server.path`',
    );
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('deontic.restartServer', async () => {
      if (client) {
        await client.stop();
      }
      await start();
    }),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
