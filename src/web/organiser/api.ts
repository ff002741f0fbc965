import type {
  AnswerRequest,
  AnswerSaved,
  QuestionGroupList,
  Taught,
  ApiErrorBody,
  ConfirmationList,
  ConfirmationQuery,
  CsvQuery,
  DigestRunResult,
  Discarded,
  DraftPreview,
  EventList,
  FeedbackList,
  FollowUp,
  FollowUpChange,
  FollowUpChanged,
  Lang,
  LiveVersion,
  RollbackRequest,
  SourceName,
  SourcesState,
  UnansweredList,
  UsageResponse,
  Uploaded,
} from '../../http/adminContract';

/** A refusal of the API, with its status and code (see src/errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer (network down, bot stopped). */
export class UnreachableError extends Error {
  constructor(cause: unknown) {
    super('unreachable', { cause });
    this.name = 'UnreachableError';
  }
}

const query = (params: Readonly<Record<string, string | undefined>>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** The organiser and admin API, typed by its contract (src/http/adminContract.ts). */
export class AdminApi {
  /** The admin token, or where to get a token before each call (Teams sign-in). */
  constructor(private readonly token: string | (() => Promise<string>)) {}

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const token = typeof this.token === 'string' ? this.token : await this.token();
    let res: Response;
    try {
      res = await fetch(`/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
    } catch (e) {
      throw new UnreachableError(e);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => undefined)) as ApiErrorBody | undefined;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `HTTP ${res.status}`);
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.call(path, init)).json()) as T;
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.json<T>(path, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  confirmations(q: ConfirmationQuery): Promise<ConfirmationList> {
    return this.json(`/confirmations${query({ ...q })}`);
  }

  async confirmationsCsv(q: CsvQuery): Promise<Blob> {
    return (await this.call(`/confirmations.csv${query({ ...q })}`)).blob();
  }

  setFollowUp(id: string, followUp: FollowUp): Promise<FollowUpChanged> {
    return this.send('PATCH', `/confirmations/${encodeURIComponent(id)}`, { followUp } satisfies FollowUpChange);
  }

  events(): Promise<EventList> {
    return this.json('/events');
  }

  unanswered(): Promise<UnansweredList> {
    return this.json('/unanswered');
  }

  usage(): Promise<UsageResponse> {
    return this.json('/usage');
  }

  questions(): Promise<QuestionGroupList> {
    return this.json('/questions');
  }

  answerQuestion(id: string, answer: AnswerRequest): Promise<AnswerSaved> {
    return this.send('POST', `/questions/${encodeURIComponent(id)}/answer`, answer);
  }

  teachQuestion(id: string): Promise<Taught> {
    return this.send('POST', `/questions/${encodeURIComponent(id)}/teach`);
  }

  feedback(): Promise<FeedbackList> {
    return this.json('/feedback');
  }

  async digestPreview(lang: Lang): Promise<string> {
    return (await this.call(`/digest/preview${query({ lang })}`)).text();
  }

  /** A digest now; "busy" (409) is an answer, not a failure. */
  async sendDigest(): Promise<DigestRunResult> {
    try {
      return await this.send<DigestRunResult>('POST', '/digest');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) return { trigger: 'manual', status: 'busy', results: [] };
      throw e;
    }
  }

  sources(): Promise<SourcesState> {
    return this.json('/sources');
  }

  upload(name: SourceName, file: File): Promise<Uploaded> {
    return this.json(`/sources/${name}${query({ filename: file.name })}`, { method: 'PUT', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file });
  }

  previewDraft(): Promise<DraftPreview> {
    return this.json('/sources/draft/preview');
  }

  publish(): Promise<LiveVersion> {
    return this.send('POST', '/sources/draft/publish');
  }

  discard(): Promise<Discarded> {
    return this.send('DELETE', '/sources/draft');
  }

  rollback(version: number): Promise<LiveVersion> {
    return this.send('POST', '/sources/rollback', { version } satisfies RollbackRequest);
  }
}
