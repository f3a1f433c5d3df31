import { describe, expect, it } from 'vitest';
import {
  builderInfo,
  builderLimits,
  describeBuilder,
  ENGINE_INFO_FORMAT,
  engineInfo,
  inspectBuilder,
  unrunnablePlatforms,
} from '../../../src/image/builder.js';

// Recorded on the test bed: Debian's docker.io 26 with the containerd image store, buildx 0.13.
const TESTBED_INSPECT = `Name:          default
Driver:        docker
Last Activity: 2026-11-25 16:52:46 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4
Labels:
 org.mobyproject.buildkit.worker.executor:             containerd
`;
const TESTBED_VERSION = '0.13.1+ds1';
const CONTAINERD_STORE = '[["driver-type","io.containerd.snapshotter.v1"]]\n';
const CLASSIC_STORE =
  '[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]\n';
// The shape docker/setup-buildx-action's default builder reports.
const CONTAINER_INSPECT = `Name:          builder-3f1c
Driver:        docker-container
Last Activity: 2026-11-25 10:00:00 +0000 UTC

Nodes:
Name:                  builder-3f1c0
Endpoint:              unix:///var/run/docker.sock
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement=network.host
BuildKit version:      v0.18.2
Platforms:             linux/amd64*, linux/amd64/v2, linux/arm64, linux/386
`;

describe('builderInfo', () => {
  it('reads the test bed: docker driver with the containerd store can do everything', () => {
    const info = builderInfo(TESTBED_INSPECT, TESTBED_VERSION, CONTAINERD_STORE);
    expect(info).toEqual({
      name: 'default',
      driver: 'docker',
      route: 'store',
      buildxVersion: '0.13.1+ds1',
      buildkitVersion: 'v0.0.0+unknown',
      platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4'],
      containerdStore: true,
      canKeepProvenance: true,
      canExportCache: true,
      canExportOci: true,
    });
    expect(builderLimits(info, { cache: 'gha', provenance: true, reproducible: true })).toEqual([]);
    expect(describeBuilder(info)).toBe(
      "'docker' driver, buildx 0.13.1+ds1, BuildKit v0.0.0+unknown, containerd image store",
    );
  });

  it('says once what a docker driver on the classic store cannot do, and what it falls back to', () => {
    const info = builderInfo(TESTBED_INSPECT, TESTBED_VERSION, CLASSIC_STORE);
    expect(info).toMatchObject({ canKeepProvenance: false, canExportCache: false, canExportOci: false });
    const limits = builderLimits(info, { cache: 'gha', provenance: true, reproducible: true });
    expect(limits).toHaveLength(3);
    expect(limits[0]).toMatch(
      /^cache 'gha' is read but not written: the 'docker' builder with Docker's classic image store/,
    );
    expect(limits[1]).toMatch(/^provenance skipped: .* drops attestations/);
    expect(limits[2]).toMatch(
      /^the image is not counted as reproducible: .* two builds of one commit are not checked to match$/,
    );
    expect(builderLimits(info, { cache: 'none', provenance: false, reproducible: false })).toEqual([]);
  });

  it('reads a docker-container builder: it sends an archive back, so cache, OCI export and provenance work whatever the store', () => {
    const info = builderInfo(CONTAINER_INSPECT, '0.19.3', CLASSIC_STORE);
    expect(info).toMatchObject({
      name: 'builder-3f1c',
      driver: 'docker-container',
      route: 'archive',
      containerdStore: false,
      buildxVersion: '0.19.3',
      buildkitVersion: 'v0.18.2',
      platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/386'],
      canExportCache: true,
      canExportOci: true,
      // The classic store drops the loaded copy's attestations; the re-export pushes them.
      canKeepProvenance: true,
    });
    expect(builderLimits(info, { cache: 'gha', provenance: true, reproducible: true })).toEqual([]);
  });

  it.each([
    ['kubernetes', 'archive'],
    ['remote', 'archive'],
    ['cloud', 'archive'],
    ['some-future-driver', 'archive'],
    ['docker', 'store'],
  ])('routes the %s driver through the %s', (driver, route) => {
    const info = builderInfo(`Name: b\nDriver: ${driver}\n`, null, CONTAINERD_STORE);
    expect(info.route).toBe(route);
    expect(info.canKeepProvenance && info.canExportCache && info.canExportOci).toBe(true);
  });
});

describe('unrunnablePlatforms', () => {
  it('names the platforms the builder neither runs natively nor emulates', () => {
    const info = builderInfo(CONTAINER_INSPECT, null, CLASSIC_STORE);
    expect(unrunnablePlatforms(info, ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/arm/v7'])).toEqual([
      'linux/s390x',
      'linux/arm/v7',
    ]);
    const testbed = builderInfo(TESTBED_INSPECT, TESTBED_VERSION, CONTAINERD_STORE);
    expect(unrunnablePlatforms(testbed, ['linux/amd64'])).toEqual([]);
    expect(unrunnablePlatforms(testbed, ['linux/arm64'])).toEqual(['linux/arm64']);
  });
});

describe('engineInfo', () => {
  it("reads the image store and the buildx plugin's version from one `docker info`", () => {
    // Recorded on the test bed (Debian's docker.io 26 and buildx 0.13).
    const testbed =
      '[["driver-type","io.containerd.snapshotter.v1"]]\n' +
      '[{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"0.13.1+ds1","ShortDescription":"Docker Buildx","Name":"buildx","Path":"/usr/libexec/docker/cli-plugins/docker-buildx"}]\n';
    expect(engineInfo(testbed)).toEqual({
      driverStatus: '[["driver-type","io.containerd.snapshotter.v1"]]',
      buildxVersion: '0.13.1+ds1',
    });
    // Upstream buildx says v0.19.3; compose is listed beside it.
    expect(
      engineInfo(
        `${CLASSIC_STORE}[{"Name":"compose","Version":"v2.29.1"},{"Name":"buildx","Version":"v0.19.3"}]\n`,
      ).buildxVersion,
    ).toBe('0.19.3');
  });

  it('reports no version where the CLI lists no plugins or the call failed, and keeps the store', () => {
    expect(engineInfo(`${CLASSIC_STORE}`)).toEqual({
      driverStatus: CLASSIC_STORE.trim(),
      buildxVersion: null,
    });
    expect(engineInfo('')).toEqual({ driverStatus: '', buildxVersion: null });
    expect(engineInfo(`${CLASSIC_STORE}null\n`).buildxVersion).toBeNull();
  });
});

describe('inspectBuilder', () => {
  it("asks buildx for the builder named by input 'builder', and says which one failed", async () => {
    const calls: string[][] = [];
    const docker = {
      async exec(args: readonly string[]) {
        calls.push([...args]);
        return { exitCode: 1, stdout: '', stderr: 'ERROR: no builder "gpu-box" found', timedOut: false };
      },
    };
    await expect(inspectBuilder(docker, 'gpu-box')).rejects.toThrow(
      `buildx builder 'gpu-box' (input 'builder') cannot be used: ERROR: no builder "gpu-box" found`,
    );
    // The two reads go out together; the inspection's failure is the one reported.
    expect(calls).toEqual([
      ['buildx', 'inspect', '--builder', 'gpu-box'],
      ['info', '--format', ENGINE_INFO_FORMAT],
    ]);
    await expect(inspectBuilder(docker)).rejects.toThrow(/^docker buildx is not available/);
    expect(calls.at(-2)).toEqual(['buildx', 'inspect']);
  });
});
