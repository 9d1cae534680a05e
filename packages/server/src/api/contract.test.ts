import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNIT_STATE_WORDS } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { errorBody } from '../http/errors.js';
import {
  ApiErrorSchema,
  ApplyBodySchema,
  CompartmentSummarySchema,
  CreateSecretBody,
  SpecInputSchema,
  UNIT_ACTIVE_STATES,
  UnitStateWordSchema,
} from './contract.js';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const importsOf = (file: string) => [
  ...new Set(
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export) [^;]*? from '([^']+)';$/gms)].map((m) => m[1]),
  ),
];

describe('the API contract', () => {
  it('imports nothing but zod, the branded id schemas and the notification channel schemas (pure)', () => {
    expect(importsOf(join(here, 'contract.ts'))).toEqual([
      'zod',
      '../core/ids.js',
      '../core/notify/channel.js',
      '../core/notify/event.js',
    ]);
    expect(importsOf(join(here, '../core/notify/channel.ts'))).toEqual(['zod', './event.js']);
    expect(importsOf(join(here, '../core/notify/event.ts'))).toEqual([]);
    expect(importsOf(join(here, '../core/ids.ts'))).toEqual(['zod', './errors.js']);
    expect(importsOf(join(here, '../core/errors.ts'))).toEqual([]);
  });

  it("describes the server's error shape", () => {
    expect(ApiErrorSchema.parse(errorBody('not_found', 'gone', { id: 'x' }))).toEqual({
      error: { code: 'not_found', message: 'gone', details: { id: 'x' } },
    });
  });

  it('takes exactly one form of a spec', () => {
    expect(SpecInputSchema.safeParse({ text: 'compartment: a' }).success).toBe(true);
    expect(SpecInputSchema.safeParse({ spec: {} }).success).toBe(true);
    expect(SpecInputSchema.safeParse({}).success).toBe(false);
    expect(SpecInputSchema.safeParse({ spec: {}, text: '' }).success).toBe(false);
    expect(ApplyBodySchema.safeParse({}).success).toBe(true);
  });

  it('keeps unit states a string union, and a summary counts only known states', () => {
    expect(UNIT_ACTIVE_STATES).toContain('failed');
    expect(UnitStateWordSchema.options).toEqual([...UNIT_STATE_WORDS]);
    const summary = {
      id: 'a',
      description: '',
      podmanVersion: null,
      createdAt: 't',
      updatedAt: 't',
      units: 2,
      unitStates: { active: 1, failed: 1 },
      containerStates: { failed: 1 },
      otherStates: { done: 1 },
      statusAt: null,
      updates: 0,
      backupFailed: null,
    };
    expect(CompartmentSummarySchema.safeParse(summary).success).toBe(true);
    expect(CompartmentSummarySchema.safeParse({ ...summary, unitStates: { running: 1 } }).success).toBe(false);
    expect(CompartmentSummarySchema.safeParse({ ...summary, containerStates: { active: 1 } }).success).toBe(false);
  });

  it('refuses secret names that podman could read as options', () => {
    expect(CreateSecretBody.safeParse({ name: '-x', value: 'v' }).success).toBe(false);
    expect(CreateSecretBody.safeParse({ name: 'db.password_1', value: 'v' }).success).toBe(true);
  });
});
