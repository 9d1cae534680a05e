import { describe, expect, it } from 'vitest';
import { failureLines } from './failure-lines.js';

describe('failureLines', () => {
  it("picks Podman's reason out of a wrong tag's journal", () => {
    const journal = [
      'Starting web.service - web...',
      'Trying to pull localhost:5000/demo/web:nope...',
      'Error: initializing source docker://localhost:5000/demo/web:nope: reading manifest nope in localhost:5000/demo/web: manifest unknown',
      'web.service: Main process exited, code=exited, status=125/n/a',
      "web.service: Failed with result 'exit-code'.",
      'Failed to start web.service - web.',
    ];
    expect(failureLines(journal)).toEqual([
      'Error: initializing source docker://localhost:5000/demo/web:nope: reading manifest nope in localhost:5000/demo/web: manifest unknown',
    ]);
  });

  it("keeps the program's own complaint about a bad flag, not the pasta clean-up", () => {
    const journal = [
      'Started web.service - web.',
      "httpd: unrecognized option '--bogus'",
      'BusyBox v1.37.0 (2024-09-30 10:39:57 UTC) multi-call binary.',
      'Main process exited, code=exited, status=1/FAILURE',
      'Killing process 4242 (pasta) with signal SIGKILL.',
      "Failed with result 'exit-code'.",
      'Consumed 120ms CPU time.',
    ];
    expect(failureLines(journal)).toEqual(["httpd: unrecognized option '--bogus'"]);
  });

  it("gives the program's last lines when none names an error, at most max, without repeats", () => {
    const journal = [
      'Started x.',
      'a',
      'b',
      'c',
      'c',
      'd',
      'e',
      'f',
      'Main process exited, code=exited, status=3/NOTIMPLEMENTED',
    ];
    expect(failureLines(journal, 3)).toEqual(['d', 'e', 'f']);
  });

  it('is empty when there is only bookkeeping', () => {
    expect(
      failureLines([
        'Starting x.service...',
        'Main process exited, code=killed, status=9/KILL',
        '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        '',
      ]),
    ).toEqual([]);
  });

  it('keeps level=error lines of podman and the generator', () => {
    expect(
      failureLines([
        'time="2026-12-04T10:00:00Z" level=warning msg="something minor"',
        'time="2026-12-04T10:00:00Z" level=error msg="running container: exit status 1"',
        "quadlet-generator[77]: converting \"web.container\": unsupported key 'Imagee' in group 'Container'",
      ]),
    ).toEqual([
      'time="2026-12-04T10:00:00Z" level=error msg="running container: exit status 1"',
      "quadlet-generator[77]: converting \"web.container\": unsupported key 'Imagee' in group 'Container'",
    ]);
  });
});
