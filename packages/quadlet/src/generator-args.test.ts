import { describe, expect, it } from 'vitest';
import { emptyEntrypointClears, entrypointArgs, entrypointForm } from './generator-args';

describe('Entrypoint= in the generated podman run, by Podman version', () => {
  it('is two words up to 5.7 and one from 5.8 on', () => {
    for (const v of ['4.4', '5.0', '5.4', '5.7'] as const) expect(entrypointForm(v), v).toBe('separate');
    for (const v of ['5.8', '5.9', '6.0', '6.1'] as const) expect(entrypointForm(v), v).toBe('joined');
    expect(entrypointArgs('/bin/run.sh', '5.7')).toEqual(['--entrypoint', '/bin/run.sh']);
    expect(entrypointArgs('/bin/run.sh', '5.8')).toEqual(['--entrypoint=/bin/run.sh']);
  });

  it('keeps the value as one argument, spaces and JSON included', () => {
    expect(entrypointArgs('["/bin/sh","-c"]', '5.4')).toEqual(['--entrypoint', '["/bin/sh","-c"]']);
    expect(entrypointArgs('/bin/my entry', '6.1')).toEqual(['--entrypoint=/bin/my entry']);
  });

  it('passes an empty value on from 5.8 only (before, the image entrypoint stays)', () => {
    expect(entrypointArgs('', '5.4')).toEqual([]);
    expect(entrypointArgs('', '5.8')).toEqual(['--entrypoint=']);
    expect(emptyEntrypointClears('5.7')).toBe(false);
    expect(emptyEntrypointClears('5.8')).toBe(true);
  });

  it('writes nothing for an absent key, and answers as the newest Podman by default', () => {
    expect(entrypointArgs(undefined, '5.4')).toEqual([]);
    expect(entrypointArgs(undefined)).toEqual([]);
    expect(entrypointArgs('x')).toEqual(['--entrypoint=x']);
  });
});
