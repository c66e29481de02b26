// The extension's TextMate grammar on every example policy (policies/ and bench/): every line
// tokenises, and comments, strings, regexes, durations and keywords get their scopes. What a
// token should be is found by a small lexer of its own here, written from the language's pest
// grammar, so the test does not just restate the TextMate rules.
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.resolve(__dirname, '../../..');
const grammarPath = path.join(__dirname, '../syntaxes/funnel.tmLanguage.json');

function policyFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'target' && entry.name !== 'node_modules') policyFiles(p, out);
    else if (entry.isFile() && entry.name.endsWith('.funnel')) out.push(p);
  }
  return out;
}

// Block keywords count where a block starts; the others anywhere. `grade(..)` and `sla(..)`
// are calls, `route` and `stage` values, not keywords.
const BLOCK_KEYWORDS = ['policy', 'schema', 'persona', 'score', 'let', 'grade', 'stages', 'route', 'calendar',
  'sla', 'metric', 'test'];
const KEYWORDS = ['when', 'and', 'or', 'not', 'in', 'where', 'matches', 'expect', 'given', 'within', 'persona'];

// The places of comments, strings, regexes, durations and keywords on one line, as the
// language reads them: [start, end, kind].
function lex(line) {
  const found = [];
  let i = 0;
  let lastWord = '';
  let prevSignificant = '';
  while (i < line.length) {
    const c = line[i];
    if (c === '#') { found.push([i, line.length, 'comment']); break; }
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      found.push([i, Math.min(j + 1, line.length), 'string']);
      i = j + 1; prevSignificant = '"'; continue;
    }
    if (c === '/' && (lastWord === 'matches' || '[,('.includes(prevSignificant))) {
      let j = i + 1;
      while (j < line.length && line[j] !== '/') j += line[j] === '\\' ? 2 : 1;
      found.push([i, j + 1, 'regex']);
      i = j + 1; prevSignificant = '/'; lastWord = ''; continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i));
    if (word && !/[0-9]/.test(line[i - 1] || '')) {
      const atStart = line.slice(0, i).trim() === '';
      const after = line.slice(i + word[0].length).trimStart()[0];
      const keyword = (atStart && BLOCK_KEYWORDS.includes(word[0])) || KEYWORDS.includes(word[0]);
      if (keyword && after !== ':' && after !== '(') found.push([i, i + word[0].length, 'keyword']);
      lastWord = word[0]; prevSignificant = 'w'; i += word[0].length; continue;
    }
    const duration = /^\d[\d_]*[wdhms](?![A-Za-z0-9_])/.exec(line.slice(i));
    if (duration && !/[A-Za-z0-9_.-]/.test(line[i - 1] || '')) {
      found.push([i, i + duration[0].length, 'duration']);
      i += duration[0].length; prevSignificant = '1'; lastWord = ''; continue;
    }
    if (!/\s/.test(c)) { prevSignificant = c; if (!/[A-Za-z0-9_]/.test(c)) lastWord = lastWord && c === ' ' ? lastWord : ''; }
    i += 1;
  }
  return found;
}

const SCOPE = {
  comment: 'comment.line.number-sign.funnel',
  string: 'string.quoted.double.funnel',
  regex: 'string.regexp.funnel',
  duration: 'constant.numeric.duration.funnel',
  keyword: 'keyword.',
};

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  const grammar = await registry.loadGrammar('source.funnel');
  if (!grammar) throw new Error('the grammar did not load');

  const files = [...policyFiles(path.join(root, 'policies')), ...policyFiles(path.join(root, 'bench'))];
  if (files.length < 10) throw new Error(`only ${files.length} example policy files found under ${root}`);
  const failures = [];
  const seen = { comment: 0, string: 0, regex: 0, duration: 0, keyword: 0 };
  let lines = 0;
  for (const file of files) {
    let stack = vsctm.INITIAL;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, n) => {
      lines += 1;
      const where = `${path.relative(root, file)}:${n + 1}`;
      let result;
      try {
        result = grammar.tokenizeLine(line, stack);
      } catch (e) {
        failures.push(`${where}: tokenising failed: ${e.message}`);
        return;
      }
      stack = result.ruleStack;
      const covered = result.tokens.length ? result.tokens[result.tokens.length - 1].endIndex : 0;
      if (covered < line.length) failures.push(`${where}: only ${covered} of ${line.length} characters tokenised`);
      for (const [start, end, kind] of lex(line)) {
        seen[kind] += 1;
        for (const t of result.tokens) {
          if (t.endIndex <= start || t.startIndex >= end) continue;
          if (kind === 'string' && t.scopes.some((s) => s.startsWith('constant.character.escape'))) continue;
          if (!t.scopes.some((s) => s.startsWith(SCOPE[kind]))) {
            failures.push(`${where}: ${kind} ${JSON.stringify(line.slice(start, end))} has ${JSON.stringify(line.slice(t.startIndex, t.endIndex))} in ${t.scopes.join(' ')}`);
            break;
          }
        }
      }
    });
  }
  for (const [kind, count] of Object.entries(seen)) {
    if (count === 0) failures.push(`no ${kind} in the example policies: the test checks nothing of it`);
  }
  if (failures.length) {
    console.error(failures.slice(0, 40).join('\n'));
    console.error(`${failures.length} problem(s) in ${files.length} files`);
    process.exit(1);
  }
  console.log(`ok: ${lines} lines of ${files.length} policy files tokenised; ` +
    Object.entries(seen).map(([k, v]) => `${v} ${k}s`).join(', ') + ' in their scopes');
}

main().catch((e) => { console.error(e); process.exit(1); });
