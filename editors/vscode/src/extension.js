// Starts `funnel lsp` for .funnel files. Everything but highlighting comes from the server:
// diagnostics as you type, hover, go to definition, references, rename, completion,
// formatting, quick fixes and the test lenses (whose "run tests" is the server's
// `funnel.runTests` command, registered by the client).
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('funnel').get('path') || 'funnel';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'funnel',
    'Funnel',
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: 'file', language: 'funnel' }],
      synchronize: {
        // A script or a sibling policy file changed on disk: the server checks the set again.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{funnel,rhai}'),
      },
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start().catch((e) => {
    vscode.window.showErrorMessage(
      `Funnel: could not start \`${command} lsp\` (${e.message}). Install funnel or set "funnel.path".`,
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
