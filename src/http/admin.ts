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
import type { FeedbackRepository } from '../feedback/repository';

export interface AdminDeps {
  readonly token: string;
  readonly confirmations: ConfirmationService;
  readonly unanswered: UnansweredQuestionRepository;
  readonly digests: DigestService;
  readonly feedback: FeedbackRepository;
  readonly logger: Logger;
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

  router.get('/confirmations', async (req, res, next) => {
    try {
      const list = await deps.confirmations.list(parseList(req));
      res.json({ confirmations: list.map(publicConfirmation) });
    } catch (e) {
      next(e);
    }
  });

  router.get('/confirmations.csv', async (req, res, next) => {
    try {
      const list = await deps.confirmations.list(parseList(req));
      const header = ['reference', 'event', 'name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'status', 'followUp', 'createdAt', 'updatedAt', 'id'];
      const rows = list.map((c) => [c.reference, c.eventId, c.name, c.email, c.organisation, c.group, c.country, c.sessionLanguage, c.status, c.followUp, c.createdAt, c.updatedAt, c.id]);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="confirmations.csv"');
      res.send(toCsv(header, rows));
    } catch (e) {
      next(e);
    }
  });

  router.patch('/confirmations/:id', express.json({ limit: '8kb' }), async (req, res, next) => {
    try {
      const body = FollowUpBody.safeParse(req.body);
      if (!body.success) throw new AppError('BAD_REQUEST', `body must be {"followUp": one of ${FOLLOW_UPS.join(', ')}}`);
      const updated = await deps.confirmations.setFollowUp(String(req.params['id']), body.data.followUp, 'admin-api');
      if (!updated) throw new AppError('NOT_FOUND', 'No confirmation has this id.');
      deps.logger.info({ confirmation: updated.id, followUp: updated.followUp }, 'follow-up updated');
      res.json({ confirmation: publicConfirmation(updated) });
    } catch (e) {
      next(e);
    }
  });

  router.get('/unanswered', async (req, res, next) => {
    try {
      const since = typeof req.query['since'] === 'string' ? new Date(req.query['since']) : undefined;
      if (since && Number.isNaN(since.getTime())) throw new AppError('BAD_REQUEST', 'since: must be an ISO date');
      res.json({ questions: await deps.unanswered.list(since) });
    } catch (e) {
      next(e);
    }
  });

  router.get('/feedback', async (_req, res, next) => {
    try {
      res.json({ feedback: await deps.feedback.list() });
    } catch (e) {
      next(e);
    }
  });

  // Build and send a digest now; the answer says what was sent where.
  router.post('/digest', async (_req, res, next) => {
    try {
      const run = await deps.digests.run('manual');
      res.status(run.status === 'busy' ? 409 : 200).json(run);
    } catch (e) {
      next(e);
    }
  });

  router.get('/digests', async (_req, res, next) => {
    try {
      res.json({ digests: await deps.digests.history() });
    } catch (e) {
      next(e);
    }
  });

  router.get('/digest/preview', async (req, res, next) => {
    try {
      const lang = req.query['lang'];
      if (lang !== undefined && lang !== 'en' && lang !== 'fr') throw new AppError('BAD_REQUEST', 'lang: en or fr');
      const rendered = await deps.digests.preview(lang ? [lang] : undefined);
      res.type('html').send(rendered.html);
    } catch (e) {
      next(e);
    }
  });

  return router;
}
