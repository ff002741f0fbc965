import { z } from 'zod';
import { reportDuplicateIds } from '../schedule/schedule';

export const GoldenSchema = z
  .object({
    description: z.string().optional(),
    questions: z
      .array(
        z
          .object({
            id: z.string().min(1).max(80),
            lang: z.enum(['en', 'fr']),
            q: z.string().min(3).max(500),
            facts: z
              .array(
                z.string().min(1).max(300).refine((f) => {
                  try {
                    new RegExp(f);
                    return true;
                  } catch {
                    return false;
                  }
                }, 'not a valid regular expression'),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict()
  .superRefine((g, ctx) => reportDuplicateIds(g.questions, 'questions', 'question', ctx));
export type Golden = z.infer<typeof GoldenSchema>;
