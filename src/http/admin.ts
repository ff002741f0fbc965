import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { CONFIRMATION_STATUSES, FOLLOW_UPS, type Confirmation, type ConfirmationStatus, type FollowUp, type StakeholderGroup } from '../confirmations/confirmation';
import type { ConfirmationService } from '../confirmations/service';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { UnansweredQuestionRepository } from '../questions/unanswered';
import { toCsv } from './csv';
import type { DigestService } from '../digests/service';
import { ANSWER_MAX_LENGTH, QuestionError, type QuestionService } from '../questions/service';
import { PublishError, type SourceService } from '../sources/service';
import { SOURCE_NAMES, UploadError, type SourceName } from '../sources/formats';
import type { FeedbackRepository } from '../feedback/repository';
import type { UsageDay } from '../knowledge/generation/usage';
import type { Translate } from '../knowledge/answerer';
import type { Schedule } from '../schedule/schedule';
import { capitalise } from '../knowledge/writer';
import type * as Contract from './adminContract';
import { adminAuthentication, type AdminAuthOptions } from './adminAuth';

export interface AdminDeps {
  /** Who may call: the admin token, Teams sign-in of organisers. */
  readonly auth: AdminAuthOptions;
  readonly confirmations: ConfirmationService;
  readonly unanswered: UnansweredQuestionRepository;
  readonly digests: DigestService;
  readonly questions?: QuestionService | undefined;
  readonly feedback: FeedbackRepository;
  readonly sources: SourceService;
  /** The live version of the sources: the events to filter by and their names. */
  readonly live: { readonly version: number; readonly sources: { readonly schedule: Schedule } };
  /** For the CSV's labels. */
  readonly t: Translate;
  readonly logger: Logger;
  /** The model's use per day, when generative answers are on. */
  readonly usage?: { days(limit?: number): Promise<UsageDay[]> } | undefined;
}

// The contract spells the domain's vocabularies out (the browser bundle imports no server code):
// these fail to compile the day the two differ.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ContractMatchesDomain = [
  Holds<Same<Contract.FollowUp, FollowUp>>,
  Holds<Same<Contract.ConfirmationStatus, ConfirmationStatus>>,
  Holds<Same<Contract.StakeholderGroup, StakeholderGroup>>,
  Holds<Same<Contract.SourceName, SourceName>>,
];

const PARAMETERS = ['event', 'status', 'followUp', 'since'] as const;
const ListQuery = z
  .object({
    event: z.string().min(1, 'must name an event').max(100, 'is too long').optional(),
    status: z.enum(CONFIRMATION_STATUSES, `must be one of ${CONFIRMATION_STATUSES.join(', ')}`).optional(),
    followUp: z.enum(FOLLOW_UPS, `must be one of ${FOLLOW_UPS.join(', ')}`).optional(),
    since: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date, e.g. 2020-07-01 or 2020-07-01T08:00:00Z')
      .optional(),
  })
  .strict();

const FollowUpBody = z.object({ followUp: z.enum(FOLLOW_UPS) }).strict();

/** The confirmation as the API shows it: everything but the stored conversation reference and its history. */
export function publicConfirmation(c: Confirmation): Contract.ConfirmationView & Record<string, unknown> {
  const { conversationReference, ...rest } = c;
  return { ...rest, hasConversationReference: conversationReference !== null };
}

/** Each problem of a query, naming its parameter: "event: no event has the id "nope"…". */
function queryProblems(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${k}: not a parameter of this call; the parameters are ${PARAMETERS.join(', ')}`).join('; ');
      return `${i.path.map(String).join('.') || 'query'}: ${i.message}`;
    })
    .join('; ');
}

/** Organiser and admin API under /api/admin, behind the admin token or a Teams sign-in. */
export function adminRouter(deps: AdminDeps): Router {
  // Express 5 hands a rejected handler's error to the error handler: no try/catch needed below.
  const router = express.Router();
  router.use(adminAuthentication(deps.auth));

  confirmationRoutes(router, deps);
  router.get('/events', (_req, res) => {
    const body: Contract.EventList = {
      version: deps.live.version,
      events: deps.live.sources.schedule.events.map((e) => ({ id: e.id, name: e.name, label: { en: capitalise(e.short.en), fr: capitalise(e.short.fr) }, confirmationNeeded: e.confirmationNeeded })),
    };
    res.json(body);
  });
  router.get('/unanswered', async (req, res) => {
    const since = typeof req.query['since'] === 'string' ? new Date(req.query['since']) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new AppError('BAD_REQUEST', 'since: must be an ISO date');
    res.json({ questions: await deps.unanswered.list(since) } satisfies Contract.UnansweredList);
  });
  router.get('/feedback', async (_req, res) => {
    res.json({ feedback: await deps.feedback.list() } satisfies Contract.FeedbackList);
  });
  // The model's tokens and what became of its answers, per day (shown, blocked by the guard, declined, fallen back).
  router.get('/usage', async (_req, res) => {
    const body: Contract.UsageResponse = { generation: deps.usage ? { enabled: true, days: await deps.usage.days() } : { enabled: false, days: [] } };
    res.json(body);
  });
  sourceRoutes(router, deps);
  digestRoutes(router, deps);
  if (deps.questions) questionRoutes(router, deps.questions);
  return router;
}

/** The confirmations: list and filter (JSON, CSV), and the organisers' follow-up. */
function confirmationRoutes(router: Router, deps: AdminDeps): void {
  const parseList = (query: unknown) => {
    const q = ListQuery.safeParse(query);
    if (!q.success) throw new AppError('BAD_REQUEST', queryProblems(q.error.issues));
    const events = deps.live.sources.schedule.events;
    if (q.data.event !== undefined && !events.some((e) => e.id === q.data.event)) {
      throw new AppError('BAD_REQUEST', `event: no event has the id "${q.data.event.slice(0, 100)}"; the events are ${events.map((e) => e.id).join(', ')}`);
    }
    return {
      eventId: q.data.event,
      status: q.data.status,
      followUp: q.data.followUp,
      since: q.data.since ? new Date(q.data.since) : undefined,
    };
  };

  router.get('/confirmations', async (req, res) => {
    const list = await deps.confirmations.list(parseList(req.query));
    res.json({ confirmations: list.map(publicConfirmation) } satisfies Contract.ConfirmationList);
  });

  router.get('/confirmations.csv', async (req, res) => {
    // `lang` picks the labelled export; the rest of the query filters as above.
    const { lang, ...query } = req.query;
    if (lang !== undefined && lang !== 'en' && lang !== 'fr') throw new AppError('BAD_REQUEST', 'lang: must be en or fr');
    const list = await deps.confirmations.list(parseList(query));
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="confirmations.csv"');
    res.send(lang ? labelledCsv(deps, list, lang) : rawCsv(list));
  });

  router.patch('/confirmations/:id', express.json({ limit: '8kb' }), async (req, res) => {
    const body = FollowUpBody.safeParse(req.body);
    if (!body.success) throw new AppError('BAD_REQUEST', `body must be {"followUp": one of ${FOLLOW_UPS.join(', ')}}`);
    const updated = await deps.confirmations.setFollowUp(String(req.params['id']), body.data.followUp, 'admin-api');
    if (!updated) throw new AppError('NOT_FOUND', 'No confirmation has this id.');
    deps.logger.info({ confirmation: updated.id, followUp: updated.followUp }, 'follow-up updated');
    res.json({ confirmation: publicConfirmation(updated) } satisfies Contract.FollowUpChanged);
  });
}

/** The export for scripts: the values as stored. */
function rawCsv(list: readonly Confirmation[]): string {
  const header = ['reference', 'event', 'name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'status', 'followUp', 'createdAt', 'updatedAt', 'id'];
  return toCsv(
    header,
    list.map((c) => [c.reference, c.eventId, c.name, c.email, c.organisation, c.group, c.country, c.sessionLanguage, c.status, c.followUp, c.createdAt, c.updatedAt, c.id]),
  );
}

/** The export for people: labels in their language first, then the ids in their own columns. */
function labelledCsv(deps: AdminDeps, list: readonly Confirmation[], lang: Contract.Lang): string {
  const t = (key: string) => deps.t(lang, key);
  const events = new Map(deps.live.sources.schedule.events.map((e) => [e.id, capitalise(e.short[lang])]));
  const columns = ['reference', 'event', 'name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'status', 'followUp', 'createdAt', 'updatedAt', 'eventId', 'groupId', 'statusId', 'followUpId', 'id'];
  const rows = list.map((c) => [
    c.reference,
    events.get(c.eventId) ?? c.eventId,
    c.name,
    c.email,
    c.organisation,
    t(`groups.${c.group}`),
    c.country,
    capitalise(t(`languages.${c.sessionLanguage}`)),
    capitalise(t(`status.${c.status}`)),
    capitalise(t(`followUp.${c.followUp}`)),
    c.createdAt,
    c.updatedAt,
    c.eventId,
    c.group,
    c.status,
    c.followUp,
    c.id,
  ]);
  return toCsv(
    columns.map((k) => t(`organiserTab.csv.${k}`)),
    rows,
  );
}

/** Who made a change: a Teams sign-in names the organiser by object id; the admin token by what its holder says. */
function actor(req: Request): string {
  const organiser: unknown = req.res?.locals['organiser'];
  if (typeof organiser === 'string') return `teams:${organiser}`;
  return typeof req.headers['x-admin-name'] === 'string' ? req.headers['x-admin-name'].slice(0, 80) : 'admin-api';
}

/** Sources: upload into the draft, preview against the golden questions, publish, roll back. */
function sourceRoutes(router: Router, deps: AdminDeps): void {
  const sourceName = (req: Request): SourceName => {
    const name = String(req.params['name']);
    if (!(SOURCE_NAMES as readonly string[]).includes(name)) throw new AppError('NOT_FOUND', `No source "${name}"; the sources are ${SOURCE_NAMES.join(', ')}.`);
    return name as SourceName;
  };
  router.get('/sources', async (_req, res) => {
    res.json((await deps.sources.status()) satisfies Contract.SourcesState);
  });
  router.get('/sources/history', async (_req, res) => {
    res.json({ events: await deps.sources.history() });
  });
  router.get('/sources/draft/preview', async (_req, res) => {
    const preview = await deps.sources.preview();
    if (!preview) throw new AppError('NOT_FOUND', 'There is no draft: upload a source first.');
    res.json(preview satisfies Contract.DraftPreview);
  });
  router.post('/sources/draft/publish', async (req, res, next) => {
    try {
      res.json({ live: await deps.sources.publish(actor(req)) } satisfies Contract.LiveVersion);
    } catch (e) {
      if (e instanceof PublishError) return next(new AppError('CONFLICT', `The draft cannot be published: ${e.problems.join('; ')}`));
      next(e);
    }
  });
  router.delete('/sources/draft', async (req, res) => {
    res.json({ discarded: await deps.sources.discard(actor(req)) } satisfies Contract.Discarded);
  });
  router.post('/sources/rollback', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const version = Number((req.body as Partial<Contract.RollbackRequest> | undefined)?.version);
      if (!Number.isInteger(version) || version < 1) throw new AppError('BAD_REQUEST', 'version: the body must be {"version": <number>}');
      res.json({ live: await deps.sources.rollback(version, actor(req)) } satisfies Contract.LiveVersion);
    } catch (e) {
      if (e instanceof PublishError) return next(new AppError('BAD_REQUEST', e.problems.join('; ')));
      next(e);
    }
  });
  router.get('/sources/:name', async (req, res) => {
    const name = sourceName(req);
    const content = await deps.sources.file(name, req.query['version'] ? Number(req.query['version']) : undefined);
    if (content === undefined) throw new AppError('NOT_FOUND', 'No such version.');
    if (typeof content === 'string') res.type('text/markdown; charset=utf-8').send(content);
    else res.json(content);
  });
  router.put('/sources/:name', express.raw({ type: () => true, limit: '10mb' }), async (req, res, next) => {
    try {
      const name = sourceName(req);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!body.length) throw new AppError('BAD_REQUEST', 'The body is empty: send the file as the request body.');
      const filename = typeof req.query['filename'] === 'string' ? req.query['filename'] : '';
      res.json((await deps.sources.upload(name, body, req.headers['content-type'] ?? '', filename, actor(req))) satisfies Contract.Uploaded);
    } catch (e) {
      if (e instanceof UploadError) return next(new AppError('BAD_REQUEST', `The upload was refused: ${e.problems.join('; ')}`));
      if ((e as { type?: string }).type === 'entity.too.large') return next(new AppError('BAD_REQUEST', 'The upload was refused: the file is larger than 10 MiB'));
      next(e);
    }
  });
}

/** Digests: send now (the answer says what was sent where), history, preview. */
function digestRoutes(router: Router, deps: AdminDeps): void {
  router.post('/digest', async (_req, res) => {
    const run = await deps.digests.run('manual');
    res.status(run.status === 'busy' ? 409 : 200).json(run satisfies Contract.DigestRunResult);
  });
  router.get('/digests', async (_req, res) => {
    res.json({ digests: await deps.digests.history() });
  });
  router.get('/digest/preview', async (req, res) => {
    const lang = req.query['lang'];
    if (lang !== undefined && lang !== 'en' && lang !== 'fr') throw new AppError('BAD_REQUEST', 'lang: must be en or fr');
    const rendered = await deps.digests.preview(lang ? [lang] : undefined);
    res.type('html').send(rendered.html);
  });
}

const AnswerBody = z.object({ en: z.string().max(ANSWER_MAX_LENGTH, 'is too long').optional(), fr: z.string().max(ANSWER_MAX_LENGTH, 'is too long').optional() }).strict();

/** Participants' questions for the organisers: the groups, the answer in both languages, teaching it to the bot. */
function questionRoutes(router: Router, questions: QuestionService): void {
  const coded = (e: unknown): unknown => {
    if (!(e instanceof QuestionError)) return e;
    return new AppError(e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'MISSING_LANGUAGE' ? 'MISSING_LANGUAGE' : 'CONFLICT', e.message);
  };
  router.get('/questions', async (req, res) => {
    const status = req.query['status'];
    if (status !== undefined && status !== 'open' && status !== 'answered') throw new AppError('BAD_REQUEST', 'status: must be open or answered');
    res.json({ groups: await questions.groups(status) } satisfies Contract.QuestionGroupList);
  });
  router.post('/questions/:id/answer', express.json({ limit: '32kb' }), async (req, res, next) => {
    const body = AnswerBody.safeParse(req.body ?? {});
    if (!body.success) return next(new AppError('BAD_REQUEST', `body must be {"en": "…", "fr": "…"}: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
    try {
      res.json({ group: await questions.answer(String(req.params['id']), body.data, actor(req)) } satisfies Contract.AnswerSaved);
    } catch (e) {
      next(coded(e));
    }
  });
  router.post('/questions/:id/teach', async (req, res, next) => {
    try {
      res.json((await questions.teach(String(req.params['id']), actor(req))) satisfies Contract.Taught);
    } catch (e) {
      next(e instanceof UploadError ? new AppError('BAD_REQUEST', e.problems.join('; ')) : coded(e));
    }
  });
}
