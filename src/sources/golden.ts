import { z } from 'zod';

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
  .superRefine((g, ctx) => {
    const seen = new Set<string>();
    g.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', message: `question id ${q.id} is used twice`, path: ['questions', i, 'id'] });
      seen.add(q.id);
    });
  });
export type Golden = z.infer<typeof GoldenSchema>;
