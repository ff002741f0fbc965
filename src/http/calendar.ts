import express, { type Router } from 'express';
import type { Lang } from '../knowledge/analyzer';
import type { Translate } from '../knowledge/answerer';
import type { Schedule } from '../schedule/schedule';
import { eventToIcs, hasCalendarDate } from '../schedule/ics';
import type { Clock } from '../schedule/time';
import { AppError } from '../errors';

/** GET /api/calendar/<event>.ics?lang=fr: "Add to my calendar". */
export function calendarRouter(deps: { schedule: () => Schedule; t: Translate; clock: Clock }): Router {
  const router = express.Router();
  router.get('/:file', (req, res, next) => {
    const m = /^([a-z0-9-]+)\.ics$/.exec(String(req.params['file']));
    const lang = (req.query['lang'] === 'fr' ? 'fr' : 'en') as Lang;
    const event = m ? deps.schedule().events.find((e) => e.id === m[1]) : undefined;
    if (!event) return next(new AppError('NOT_FOUND', 'No such event.'));
    if (!hasCalendarDate(event)) return next(new AppError('NOT_FOUND', 'This event has no precise date yet.'));
    const description = [event.name[lang], event.registration?.[lang], deps.t(lang, 'calendar.source')].filter(Boolean).join('\n\n');
    res.setHeader('content-type', 'text/calendar; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${event.id}.ics"`);
    res.send(eventToIcs(deps.schedule(), event, lang, deps.clock.now(), description));
  });
  return router;
}
