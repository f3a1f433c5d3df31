import { describe, expect, it } from 'vitest';
import { historyArgs, instruction, parseHistory } from '../../../src/size/layers.js';

/** `docker history --no-trunc --human=false --format '{{json .}}'` of an image on the test bed (Docker 26.1, containerd store). */
const RECORDED = `{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"CMD [\\"python\\" \\"predict.py\\"]","CreatedSince":"2023-11-14T22:13:20Z","ID":"sha256:f1e38674c97a2aac21f2645bfec55f04a9ac1cc3faaae677301bed3faa060ba3","Size":"0"}
{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"USER 10001:10001","CreatedSince":"2023-11-14T22:13:20Z","ID":"\\u003cmissing\\u003e","Size":"0"}
{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"RUN |1 SOURCE_DATE_EPOCH=1700000000 /bin/sh -c t=$(date +%s) \\u0026\\u0026 tar -C /tmp/ml-context --sort=name -cf - . | tar -C /app -xmf -     \\u0026\\u0026 python3 -I -S -B /tmp/ml-container/clamp.py $t $SOURCE_DATE_EPOCH # buildkit","CreatedSince":"2023-11-14T22:13:20Z","ID":"\\u003cmissing\\u003e","Size":"315392"}
{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"WORKDIR /app","CreatedSince":"2023-11-14T22:13:20Z","ID":"\\u003cmissing\\u003e","Size":"4096"}
{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"ARG SOURCE_DATE_EPOCH","CreatedSince":"2023-11-14T22:13:20Z","ID":"\\u003cmissing\\u003e","Size":"0"}
{"Comment":"buildkit.dockerfile.v0","CreatedAt":"2023-11-14T22:13:20Z","CreatedBy":"RUN /bin/sh -c t=$(date +%s) \\u0026\\u0026 SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv     \\u0026\\u0026 /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/ml-container/requirements.lock # buildkit","CreatedSince":"2023-11-14T22:13:20Z","ID":"\\u003cmissing\\u003e","Size":"267067392"}
{"Comment":"Imported from -","CreatedAt":"2026-12-01T22:49:16Z","CreatedBy":"","CreatedSince":"2026-12-01T22:49:16Z","ID":"\\u003cmissing\\u003e","Size":"191074304"}
`;

describe('the layers of an image', () => {
  it('asks docker history for every entry, in bytes, untruncated', () => {
    expect(historyArgs('r/iris:pr-7')).toEqual([
      'history',
      '--no-trunc',
      '--human=false',
      '--format',
      '{{json .}}',
      'r/iris:pr-7',
    ]);
  });

  it('lists the layers that hold files oldest first, and counts the steps that wrote none', () => {
    expect(parseHistory(RECORDED)).toEqual({
      layers: [
        { bytes: 191074304, createdBy: '' },
        {
          bytes: 267067392,
          createdBy:
            'RUN t=$(date +%s) && SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/ml-container/requirements.lock',
        },
        { bytes: 4096, createdBy: 'WORKDIR /app' },
        {
          bytes: 315392,
          createdBy:
            'RUN t=$(date +%s) && tar -C /tmp/ml-context --sort=name -cf - . | tar -C /app -xmf - && python3 -I -S -B /tmp/ml-container/clamp.py $t $SOURCE_DATE_EPOCH',
        },
      ],
      emptyLayers: 3,
    });
  });

  it('refuses output that is not a history', () => {
    expect(() => parseHistory('IMAGE CREATED SIZE\n')).toThrow();
    expect(() => parseHistory('{"CreatedBy":"RUN x","Size":"45.3MB"}\n')).toThrow(/not bytes: 45.3MB/);
  });
});

describe('instruction', () => {
  it.each([
    ['COPY requirements.lock /tmp/ # buildkit', 'COPY requirements.lock /tmp/'],
    ['RUN |2 A=1 B=2 /bin/sh -c pip install x # buildkit', 'RUN pip install x'],
    ['/bin/sh -c #(nop) ADD file:4d1b2a in / ', 'ADD file:4d1b2a in /'],
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'],
    ['/bin/sh -c apt-get update', 'RUN apt-get update'],
    ['RUN python -c "print(1)" # buildkit', 'RUN python -c "print(1)"'],
    ['', ''],
  ])('reads %j as %j', (createdBy, expected) => {
    expect(instruction(createdBy)).toBe(expected);
  });

  it('keeps a long script to its first characters', () => {
    expect(instruction(`RUN ${'x'.repeat(1000)}`)).toBe(`RUN ${'x'.repeat(236)}…`);
  });
});
