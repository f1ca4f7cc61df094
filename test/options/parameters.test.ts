import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ParameterError,
  formatParameters,
  maskParameters,
  parameterMapToList,
  parseParameterText,
} from '../../src/options/parameters.js';

/** Runs `f`, expects a ParameterError and returns it. */
function parameterError(f: () => unknown): ParameterError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ParameterError, `expected a ParameterError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ParameterError, nothing was thrown');
}

describe('parseParameterText (plugin testParseStringParameters and quirk #9 fixes)', () => {
  it('drops comments, blank and whitespace-only lines', () => {
    const text = ['# a comment', 'A=1', '', '   ', '\t', '   # indented comment', 'B=2', ''].join('\n');
    assert.deepEqual(parseParameterText(text), [
      ['A', '1'],
      ['B', '2'],
    ]);
  });

  it('keeps every "=" after the first one in the value (base64 padding, JENKINS-58818)', () => {
    assert.deepEqual(parseParameterText('A=abc==\nB=x=y=z\nC=='), [
      ['A', 'abc=='],
      ['B', 'x=y=z'],
      ['C', '='],
    ]);
  });

  it('trims keys but keeps values exactly as written (including surrounding spaces)', () => {
    assert.deepEqual(parseParameterText('\tKEY=v\n  SPACED  =  padded value  \nEMPTY='), [
      ['KEY', 'v'],
      ['SPACED', '  padded value  '],
      ['EMPTY', ''],
    ]);
  });

  it('strips the CR of CRLF line endings (the plugin left it at the end of the value)', () => {
    const list = parseParameterText('A=1\r\nB=two words\r\n# c\r\n\r\nC=3\r\n');
    assert.deepEqual(list, [
      ['A', '1'],
      ['B', 'two words'],
      ['C', '3'],
    ]);
    assert.ok(list.every(([, v]) => !v.includes('\r')));
  });

  it('keeps the order written (the plugin used hash-map order)', () => {
    const names = ['ZULU', 'alpha', 'Mike', 'bravo', 'YANKEE', 'charlie', '1', '_'];
    const list = parseParameterText(names.map((n, i) => `${n}=${i}`).join('\n'));
    assert.deepEqual(
      list.map(([k]) => k),
      names,
    );
    assert.deepEqual(
      list.map(([, v]) => v),
      names.map((_, i) => String(i)),
    );
  });

  it('rejects a duplicate key, naming the key and both line numbers', () => {
    const e = parameterError(() => parseParameterText('A=1\n# c\nB=2\n A =3'));
    assert.match(e.message, /duplicate parameter 'A'/);
    assert.match(e.message, /lines 1 and 4/);
    assert.equal(e.field, 'parameters');
  });

  it('names the source and field it was given in errors', () => {
    const e = parameterError(() => parseParameterText('X=1\nX=2', 'parameterFile', 'job.properties'));
    assert.equal(e.field, 'parameterFile');
    assert.match(e.message, /^parameterFile: /);
    assert.match(e.message, /job\.properties lines 1 and 2/);
  });

  it("rejects a line without '=' (a multi-line value continuation) and names the line", () => {
    const e = parameterError(() => parseParameterText('P=line1\nline2\nQ=1'));
    assert.match(e.message, /line 2 has no '='/);
    assert.match(e.message, /"line2"/);
    assert.match(e.message, /map form/);
  });

  it('rejects an empty key and names the line', () => {
    const e = parameterError(() => parseParameterText('A=1\n=value'));
    assert.match(e.message, /line 2 has an empty parameter name/);
    const e2 = parameterError(() => parseParameterText('   =value'));
    assert.match(e2.message, /line 1 has an empty parameter name/);
  });

  it('gives an empty list for empty or comment-only text', () => {
    assert.deepEqual(parseParameterText(''), []);
    assert.deepEqual(parseParameterText('\n\n# only a comment\n  \n'), []);
  });

  it('carries two 5 KB values intact (plugin testRemoteBuildWith5KByteString)', () => {
    const a = 'a'.repeat(5 * 1024);
    const b = Array.from({ length: 5 * 1024 }, (_, i) => String.fromCharCode(33 + (i % 90)))
      .join('')
      .replace(/[\r\n]/g, '_');
    const list = parseParameterText(`FIRST=${a}\nSECOND=${b}`);
    assert.equal(list.length, 2);
    assert.equal(list[0]![1], a);
    assert.equal(list[1]![1], b);
    assert.equal(list[1]![1].length, 5 * 1024);
  });
});

describe('parameterMapToList', () => {
  it('stringifies numbers and booleans and keeps insertion order', () => {
    assert.deepEqual(parameterMapToList({ B: 2, A: 'x', FLAG: true, OFF: false, ZERO: 0, EMPTY: '' }), [
      ['B', '2'],
      ['A', 'x'],
      ['FLAG', 'true'],
      ['OFF', 'false'],
      ['ZERO', '0'],
      ['EMPTY', ''],
    ]);
  });

  it('keeps multi-line values and "=" in values (the map form supports them)', () => {
    assert.deepEqual(parameterMapToList({ MULTI: 'line1\nline2\r\nline3', EQ: 'a=b==' }), [
      ['MULTI', 'line1\nline2\r\nline3'],
      ['EQ', 'a=b=='],
    ]);
  });

  it('rejects a null or undefined value, naming the parameter', () => {
    const e = parameterError(() => parameterMapToList({ A: '1', NULLED: null }));
    assert.match(e.message, /parameter 'NULLED' has no value/);
    const e2 = parameterError(() => parameterMapToList({ UNDEF: undefined }, 'parameters.x'));
    assert.match(e2.message, /^parameters\.x: parameter 'UNDEF' has no value/);
    assert.equal(e2.field, 'parameters.x');
  });

  it('trims keys, rejecting empty names and names that collide after trimming', () => {
    assert.deepEqual(parameterMapToList({ ' A ': 1 }), [['A', '1']]);
    assert.match(parameterError(() => parameterMapToList({ '  ': 'v' })).message, /empty parameter name/);
    assert.match(parameterError(() => parameterMapToList({ A: 1, ' A': 2 })).message, /duplicate parameter 'A'/);
  });
});

describe('maskParameters / formatParameters', () => {
  const params: Array<[string, string]> = [
    ['USER', 'bob'],
    ['PASSWORD', 'hunter2'],
    ['TOKEN', 'abc'],
  ];

  it('replaces only the values of the named secret parameters', () => {
    assert.deepEqual(maskParameters(params, ['PASSWORD', 'TOKEN', 'NOT_THERE']), [
      ['USER', 'bob'],
      ['PASSWORD', '****'],
      ['TOKEN', '****'],
    ]);
    // the input is not modified
    assert.deepEqual(params[1], ['PASSWORD', 'hunter2']);
  });

  it('leaves everything as is without secret names', () => {
    assert.deepEqual(maskParameters(params, []), params);
  });

  it('formats {K=V, ...} with secrets masked', () => {
    assert.equal(formatParameters(params), '{USER=bob, PASSWORD=hunter2, TOKEN=abc}');
    const masked = formatParameters(params, ['PASSWORD']);
    assert.equal(masked, '{USER=bob, PASSWORD=****, TOKEN=abc}');
    assert.ok(!masked.includes('hunter2'));
    assert.equal(formatParameters([]), '{}');
  });
});
