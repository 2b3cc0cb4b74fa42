#!/usr/bin/env node
// The TextMate grammar against snapshots of its scopes: every bundled policy in
// `policies/` is tokenized with vscode-textmate and vscode-oniguruma (the engine VS Code
// uses), and the scopes of each token are compared with `test/snapshots/NAME.snap`.
//
//   node test/grammar.js            compare; on a difference, write NAME.snap.new and fail
//   node test/grammar.js --accept   write the snapshots anew
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.resolve(__dirname, '..', '..', '..');
const grammarPath = path.resolve(__dirname, '..', 'syntaxes', 'policy.tmLanguage.json');
const snapshots = path.join(__dirname, 'snapshots');
const accept = process.argv.includes('--accept');

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  // A path ending in `.json` makes vscode-textmate read the grammar as JSON, not plist.
  const raw = vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => (scope === raw.scopeName ? raw : null),
  });
  const grammar = await registry.loadGrammar(raw.scopeName);
  if (!grammar) throw new Error(`the grammar ${raw.scopeName} did not load`);
  return grammar;
}

// One block per line with code: the line, then each token that is not blank with its
// column and its scopes below the root one.
function render(grammar, relative, text) {
  const out = [`---`, `source: editors/vscode/test/grammar.js`, `input: ${relative}`, `---`];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    const tokens = result.tokens.filter((t) => line.substring(t.startIndex, t.endIndex).trim() !== '');
    if (tokens.length === 0) return;
    out.push(`${i + 1}: ${line}`);
    for (const t of tokens) {
      const scopes = t.scopes.filter((s) => s !== 'source.policy').join(' ') || '-';
      out.push(`  ${t.startIndex} ${JSON.stringify(line.substring(t.startIndex, t.endIndex))} ${scopes}`);
    }
  });
  return out.join('\n') + '\n';
}

function firstDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  snapshot: ${x[i]}\n  now:      ${y[i]}`;
  }
  return '';
}

async function main() {
  const grammar = await loadGrammar();
  const policies = fs
    .readdirSync(path.join(root, 'policies'))
    .filter((f) => f.endsWith('.policy'))
    .sort();
  if (policies.length === 0) throw new Error('no policies in policies/');
  let failed = 0;
  fs.mkdirSync(snapshots, { recursive: true });
  for (const file of policies) {
    const relative = `policies/${file}`;
    const now = render(grammar, relative, fs.readFileSync(path.join(root, relative), 'utf8'));
    const snap = path.join(snapshots, file.replace(/\.policy$/, '.snap'));
    const before = fs.existsSync(snap) ? fs.readFileSync(snap, 'utf8') : null;
    if (accept) {
      fs.writeFileSync(snap, now);
      fs.rmSync(`${snap}.new`, { force: true });
      console.log(`wrote ${path.relative(root, snap)}`);
    } else if (before === now) {
      fs.rmSync(`${snap}.new`, { force: true });
      console.log(`ok ${relative}`);
    } else {
      failed++;
      fs.writeFileSync(`${snap}.new`, now);
      const why = before === null ? 'no snapshot yet' : firstDifference(before, now);
      console.error(`FAIL ${relative}: the scopes differ from ${path.relative(root, snap)} (${why})`);
      console.error(`  the new scopes are in ${path.relative(root, snap)}.new; accept them with --accept`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
