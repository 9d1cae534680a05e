/**
 * The parameter form's checks, as the server makes them: a pattern matches the whole value, an empty field takes
 * its default (or a generated value, or, in an upgrade, the value used before), and the server's problems
 * (`values.NAME`) find their field.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { TemplateParameter } from '../api/types';
import { fullMatch, parameterProblems, serverIssues, validCompartmentId, valuesToSend } from './ParameterForm';

const PARAMS: TemplateParameter[] = [
  { name: 'port', default: '8080', pattern: '[0-9]{2,5}' },
  { name: 'host', pattern: 'a|b' },
  { name: 'token', generate: 'token' },
];

describe('parameter checks', () => {
  it('matches a pattern whole (alternatives included), with the u flag', () => {
    expect(fullMatch('[0-9]{2,5}', '8080')).toBe(true);
    expect(fullMatch('[0-9]{2,5}', '8080x')).toBe(false);
    expect(fullMatch('a|b', 'ab')).toBe(false);
    expect(fullMatch('a|b', 'b')).toBe(true);
    expect(fullMatch('\\p{L}+', 'Grüße')).toBe(true);
    expect(fullMatch('(', 'x')).toBeUndefined();
  });

  it('needs a value only where there is neither default nor generator, and not in an upgrade', () => {
    expect(parameterProblems(PARAMS, {})).toEqual({ host: 'A value is needed.' });
    expect(parameterProblems(PARAMS, {}, { keepEmpty: true })).toEqual({});
    expect(parameterProblems(PARAMS, { port: '1', host: 'ab', token: 'x' })).toEqual({
      port: 'Does not match the pattern [0-9]{2,5}.',
      host: 'Does not match the pattern a|b.',
    });
    expect(parameterProblems(PARAMS, { host: 'a\nb' })).toEqual({ host: 'A value is one line of text.' });
  });

  it('sends only the fields filled in', () => {
    expect(valuesToSend(PARAMS, { port: '', host: 'a', other: 'x' })).toEqual({ host: 'a' });
  });

  it("places the server's problems at their parameter", () => {
    const e = new ApiError(400, 'invalid', 'invalid template blog', {
      issues: [
        { path: 'values.host', message: 'a value is needed' },
        { path: 'spec.units', message: 'bad' },
      ],
    });
    expect(serverIssues(e)).toEqual({ host: 'a value is needed' });
    expect(serverIssues(new Error('x'))).toEqual({});
  });

  it('knows a compartment id as the server does', () => {
    expect(['blog', 'blog-1', 'a'].map(validCompartmentId)).toEqual([true, true, true]);
    expect(['Blog', 'blog-', 'b--x', '1b', 'a'.repeat(33)].map(validCompartmentId)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
