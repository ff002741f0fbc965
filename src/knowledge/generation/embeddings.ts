import type OpenAI from 'openai';

/** What the semantic index asks of an embedding service: one vector per input, in order. */
export interface EmbeddingModel {
  readonly name: string;
  embed(inputs: readonly string[], opts: { signal: AbortSignal }): Promise<Float32Array[]>;
}

/** Inputs per request: services cap them (OpenAI at 2048, Azure deployments lower), and a smaller batch fails cheaper. */
export const EMBEDDING_BATCH = 64;

/** The `openai` package's embeddings endpoint (OpenAI, Azure OpenAI or a compatible server); retries are the client's. */
export class OpenAIEmbeddings implements EmbeddingModel {
  constructor(
    private readonly client: OpenAI,
    readonly name: string,
  ) {}

  async embed(inputs: readonly string[], opts: { signal: AbortSignal }): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < inputs.length; i += EMBEDDING_BATCH) {
      const batch = inputs.slice(i, i + EMBEDDING_BATCH);
      const res = await this.client.embeddings.create({ model: this.name, input: batch, encoding_format: 'float' }, { signal: opts.signal });
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => unit(d.embedding));
      if (vectors.length !== batch.length) throw new Error(`the embedding service returned ${vectors.length} vectors for ${batch.length} inputs`);
      out.push(...vectors);
    }
    return out;
  }
}

/** The vector scaled to length 1, so that cosine similarity is a dot product. */
export function unit(v: readonly number[]): Float32Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return Float32Array.from(v, (x) => x / norm);
}

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
