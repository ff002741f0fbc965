import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CONFIRMATION_STATUSES, FOLLOW_UPS, type Confirmation } from '../confirmations/confirmation';
import type { ConfirmationService } from '../confirmations/service';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { UnansweredQuestionRepository } from '../storage/unansweredQuestions';
import { toCsv } from './csv';
import type { DigestService } from '../digests/service';
import { PublishError, type SourceService } from '../sources/service';
import { SOURCE_NAMES, UploadError, type SourceName } from '../sources/formats';
import type { FeedbackRepository } from '../feedback/repository';
import type { UsageDay } from '../knowledge/generation/usage';

export interface AdminDeps {
  readonly token: string;
  readonly confirmations: ConfirmationService;
  readonly unanswered: UnansweredQuestionRepository;
  readonly digests: DigestService;
  readonly feedback: FeedbackRepository;
  readonly sources: SourceService;
  readonly logger: Logger;
  /** The model's use per day, when generative answers are on. */
  readonly usage?: { days(limit?: number): Promise<UsageDay[]> } | undefined;
}

const ListQuery = z
  .object({
    event: z.string().min(1).max(100).optional(),
    status: z.enum(CONFIRMATION_STATUSES).optional(),
    followUp: z.enum(FOLLOW_UPS).optional(),
    since: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date, e.g. 2020-07-01 or 2020-07-01T08:00:00Z')
      .optional(),
  })
  .strict();

const FollowUpBody = z.object({ followUp: z.enum(FOLLOW_UPS) }).strict();

const sha = (s: string) => createHash('sha256').update(s).digest();

/** The confirmation as the API shows it: everything but the stored conversation reference. */
export function publicConfirmation(c: Confirmation): Record<string, unknown> {
  const { conversationReference, ...rest } = c;
  return { ...rest, hasConversationReference: conversationReference !== null };
}

/** Organiser and admin API under /api/admin, behind a bearer token. */
export function adminRouter(deps: AdminDeps): Router {
  // Express 5 hands a rejected handler's error to the error handler: no try/catch needed below.
  const router = express.Router();
  const expected = sha(deps.token);

  router.use((req: Request, _res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(sha(m[1]!.trim()), expected)) return next(new AppError('UNAUTHORIZED', 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.'));
    next();
  });

  const parseList = (req: Request) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) throw new AppError('BAD_REQUEST', q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    return {
      eventId: q.data.event,
      status: q.data.status,
      followUp: q.data.followUp,
      since: q.data.since ? new Date(q.data.since) : undefined,
    };
  };

  router.get('/confirmations', async (req, res) => {
    const list = await deps.confirmations.list(parseList(req));
    res.json({ confirmations: list.map(publicConfirmation) });
  });

  router.get('/confirmations.csv', async (req, res) => {
    const list = await deps.confirmations.list(parseList(req));
    const header = ['reference', 'event', 'name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'status', 'followUp', 'createdAt', 'updatedAt', 'id'];
    const rows = list.map((c) => [c.reference, c.eventId, c.name, c.email, c.organisation, c.group, c.country, c.sessionLanguage, c.status, c.followUp, c.createdAt, c.updatedAt, c.id]);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="confirmations.csv"');
    res.send(toCsv(header, rows));
  });

  router.patch('/confirmations/:id', express.json({ limit: '8kb' }), async (req, res) => {
    const body = FollowUpBody.safeParse(req.body);
    if (!body.success) throw new AppError('BAD_REQUEST', `body must be {"followUp": one of ${FOLLOW_UPS.join(', ')}}`);
    const updated = await deps.confirmations.setFollowUp(String(req.params['id']), body.data.followUp, 'admin-api');
    if (!updated) throw new AppError('NOT_FOUND', 'No confirmation has this id.');
    deps.logger.info({ confirmation: updated.id, followUp: updated.followUp }, 'follow-up updated');
    res.json({ confirmation: publicConfirmation(updated) });
  });

  router.get('/unanswered', async (req, res) => {
    const since = typeof req.query['since'] === 'string' ? new Date(req.query['since']) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new AppError('BAD_REQUEST', 'since: must be an ISO date');
    res.json({ questions: await deps.unanswered.list(since) });
  });

  // The model's tokens and what became of its answers, per day (shown, blocked by the guard, declined, fallen back).
  router.get('/usage', async (_req, res) => {
    res.json({ generation: deps.usage ? { enabled: true, days: await deps.usage.days() } : { enabled: false, days: [] } });
  });

  // Sources: upload into the draft, preview against the golden questions, publish, roll back.
  const actor = (req: Request) => (typeof req.headers['x-admin-name'] === 'string' ? req.headers['x-admin-name'].slice(0, 80) : 'admin-api');
  router.get('/sources', async (_req, res) => {
    res.json(await deps.sources.status());
  });
  router.get('/sources/history', async (_req, res) => {
    res.json({ events: await deps.sources.history() });
  });
  router.get('/sources/draft/preview', async (_req, res) => {
    const preview = await deps.sources.preview();
    if (!preview) throw new AppError('NOT_FOUND', 'There is no draft: upload a source first.');
    res.json(preview);
  });
  router.post('/sources/draft/publish', async (req, res, next) => {
    try {
      res.json({ live: await deps.sources.publish(actor(req)) });
    } catch (e) {
      if (e instanceof PublishError) return next(new AppError('CONFLICT', `The draft cannot be published: ${e.problems.join('; ')}`));
      next(e);
    }
  });
  router.delete('/sources/draft', async (req, res) => {
    res.json({ discarded: await deps.sources.discard(actor(req)) });
  });
  router.post('/sources/rollback', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const version = Number((req.body as { version?: unknown })?.version);
      if (!Number.isInteger(version) || version < 1) throw new AppError('BAD_REQUEST', 'body must be {"version": <number>}');
      res.json({ live: await deps.sources.rollback(version, actor(req)) });
    } catch (e) {
      if (e instanceof PublishError) return next(new AppError('BAD_REQUEST', e.problems.join('; ')));
      next(e);
    }
  });
  router.get('/sources/:name', async (req, res) => {
    const name = String(req.params['name']);
    if (!(SOURCE_NAMES as readonly string[]).includes(name)) throw new AppError('NOT_FOUND', `No source "${name}"; the sources are ${SOURCE_NAMES.join(', ')}.`);
    const content = await deps.sources.file(name as SourceName, req.query['version'] ? Number(req.query['version']) : undefined);
    if (content === undefined) throw new AppError('NOT_FOUND', 'No such version.');
    if (typeof content === 'string') res.type('text/markdown; charset=utf-8').send(content);
    else res.json(content);
  });
  router.put('/sources/:name', express.raw({ type: () => true, limit: '10mb' }), async (req, res, next) => {
    try {
      const name = String(req.params['name']);
      if (!(SOURCE_NAMES as readonly string[]).includes(name)) throw new AppError('NOT_FOUND', `No source "${name}"; the sources are ${SOURCE_NAMES.join(', ')}.`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!body.length) throw new AppError('BAD_REQUEST', 'The body is empty: send the file as the request body.');
      const filename = typeof req.query['filename'] === 'string' ? req.query['filename'] : '';
      const result = await deps.sources.upload(name as SourceName, body, req.headers['content-type'] ?? '', filename, actor(req));
      res.json(result);
    } catch (e) {
      if (e instanceof UploadError) return next(new AppError('BAD_REQUEST', `The upload was refused: ${e.problems.join('; ')}`));
      if ((e as { type?: string }).type === 'entity.too.large') return next(new AppError('BAD_REQUEST', 'The upload was refused: the file is larger than 10 MiB'));
      next(e);
    }
  });

  router.get('/feedback', async (_req, res) => {
    res.json({ feedback: await deps.feedback.list() });
  });

  // Build and send a digest now; the answer says what was sent where.
  router.post('/digest', async (_req, res) => {
    const run = await deps.digests.run('manual');
    res.status(run.status === 'busy' ? 409 : 200).json(run);
  });

  router.get('/digests', async (_req, res) => {
    res.json({ digests: await deps.digests.history() });
  });

  router.get('/digest/preview', async (req, res) => {
    const lang = req.query['lang'];
    if (lang !== undefined && lang !== 'en' && lang !== 'fr') throw new AppError('BAD_REQUEST', 'lang: en or fr');
    const rendered = await deps.digests.preview(lang ? [lang] : undefined);
    res.type('html').send(rendered.html);
  });

  return router;
}
