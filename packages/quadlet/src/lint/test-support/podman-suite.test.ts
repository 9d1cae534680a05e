/** The reader of Podman's quadlet_test.go table (the fetched tree itself is scored by podman-suite.oracle.test.ts). */
import { describe, expect, it } from 'vitest';
import { parsePodmanSuite } from './podman-suite';

// The shapes of Podman's table, as in test/e2e/quadlet_test.go at 5.8.
const GO = String.raw`
	DescribeTable("Running success quadlet test case",
		runSuccessQuadletTestCase,
		Entry("Basic container", "basic.container"),
		Entry("escapes.container", "escapes.container"),
	)

	DescribeTable("Running expected warning quadlet test case",
		runWarningQuadletTestCase,
		Entry("shortname.container", "shortname.container", "Warning: shortname.container specifies the image \"shortname\" which not a fully qualified image name."),
	)

	DescribeTable("Running expected error quadlet test case",
		runErrorQuadletTestCase,
		Entry("noimage.container", "noimage.container", "converting \"noimage.container\": no Image or Rootfs key specified"),
	)

	DescribeTable("Running success quadlet with ServiceName test case",
		func(fileName, serviceName string) {
			runQuadletTestCaseWithServiceName(fileName, 0, "", serviceName)
		},
		Entry("Build", "service-name.build", "basic"),
	)

	DescribeTable("Running quadlet success test case with dependencies",
		func(fileName string, dependencyFiles []string) {
			runSuccessQuadletTestCase(fileName)
		},
		Entry("Container - Quadlet Network", "network.quadlet.container", []string{"basic.network"}),
		Entry(
			"Container - Dependency between quadlet units",
			"dependent.container",
			[]string{
				"basic.image",
				"basic.volume",
			},
		),
	)
`;

describe('parsePodmanSuite', () => {
  it('reads every table entry with its expectation, message and dependencies', () => {
    const cases = parsePodmanSuite(GO);
    expect(cases.map((c) => [c.file, c.expect])).toEqual([
      ['basic.container', 'success'],
      ['escapes.container', 'success'],
      ['shortname.container', 'warning'],
      ['noimage.container', 'error'],
      ['service-name.build', 'success'],
      ['network.quadlet.container', 'success'],
      ['dependent.container', 'success'],
    ]);
    expect(cases[2]!.message).toContain('specifies the image "shortname"');
    expect(cases[3]!.message).toBe('converting "noimage.container": no Image or Rootfs key specified');
    expect(cases[4]!.message).toBeUndefined();
    expect(cases[6]!.dependencies).toEqual(['basic.image', 'basic.volume']);
  });

  it('fails loudly on an entry it cannot read, or on no table at all', () => {
    const odd = GO.replace('Entry("Build", "service-name.build", "basic")', 'Entry("Build", name, "basic")');
    expect(() => parsePodmanSuite(odd)).toThrow(/read 0 of its 1 entries/);
    expect(() => parsePodmanSuite('package quadlet\n')).toThrow(/no table entries/);
  });
});
