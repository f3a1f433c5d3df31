/** One layer of the image that holds files: its size and the instruction that made it. */
export interface Layer {
  bytes: number;
  /** The instruction as the image's history records it, shortened (see instruction); empty when none is. */
  createdBy: string;
}

/**
 * `docker history` of the tested image, one JSON object a line. `--human=false` prints sizes in
 * bytes; the same on the classic and the containerd image store, where a step that wrote nothing
 * (ENV, WORKDIR of an existing folder) is a zero-size entry.
 */
export function historyArgs(image: string): string[] {
  return ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image];
}

/** A history longer than this is not one an image can have (the layer limit is 127): the rest is dropped. */
const MOST_ENTRIES = 1000;
/** An instruction is kept to this many characters: a RUN line can be a whole script. */
const INSTRUCTION_LENGTH = 240;

/**
 * The layers `docker history` printed, oldest first as the Dockerfile reads, with the steps that
 * wrote nothing folded into a count. Throws on output that is not a history.
 */
export function parseHistory(stdout: string): { layers: Layer[]; emptyLayers: number } {
  const entries = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, MOST_ENTRIES)
    .map((line) => JSON.parse(line) as { Size?: unknown; CreatedBy?: unknown });
  const layers: Layer[] = [];
  let emptyLayers = 0;
  // docker history lists the newest first.
  for (const entry of entries.reverse()) {
    const bytes =
      typeof entry.Size === 'string' && /^\d+$/.test(entry.Size) ? Number(entry.Size) : Number.NaN;
    if (!Number.isSafeInteger(bytes))
      throw new Error(`docker history gave a size that is not bytes: ${String(entry.Size)}`);
    if (bytes === 0) emptyLayers++;
    else
      layers.push({
        bytes,
        createdBy: instruction(typeof entry.CreatedBy === 'string' ? entry.CreatedBy : ''),
      });
  }
  return { layers, emptyLayers };
}

/**
 * A history entry's instruction as the Dockerfile wrote it: BuildKit's `RUN |1 ARG=v /bin/sh -c …
 * # buildkit` and the classic builder's `/bin/sh -c #(nop) COPY …` both read `RUN …` and `COPY …`,
 * with each run of blanks (a continued line's indentation) made one space.
 */
export function instruction(createdBy: string): string {
  let text = createdBy
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ # buildkit$/, '');
  const shell = text.indexOf('/bin/sh -c ');
  if (text.startsWith('RUN ') && shell > 0) text = `RUN ${text.slice(shell + '/bin/sh -c '.length)}`;
  else if (text.startsWith('/bin/sh -c #(nop) ')) text = text.slice('/bin/sh -c #(nop) '.length).trim();
  else if (text.startsWith('/bin/sh -c ')) text = `RUN ${text.slice('/bin/sh -c '.length)}`;
  return text.length > INSTRUCTION_LENGTH ? `${text.slice(0, INSTRUCTION_LENGTH)}…` : text;
}
