/** Gradescope's results.json, as a schema: tests check what the grader writes against it. */
import { z } from 'zod';

const visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible']);

export const gradescopeTestSchema = z.object({
  name: z.string().min(1),
  score: z.number().min(0),
  max_score: z.number().min(0),
  status: z.enum(['passed', 'failed']),
  output: z.string(),
  visibility,
  execution_time: z.number().min(0),
  tags: z.array(z.string()).optional(),
});

export const gradescopeResultsSchema = z.object({
  score: z.number().min(0),
  execution_time: z.number().min(0).optional(),
  output: z.string(),
  visibility: visibility.optional(),
  stdout_visibility: visibility.optional(),
  tests: z.array(gradescopeTestSchema),
  extra_data: z.record(z.string(), z.unknown()).optional(),
});

export type GradescopeResultsChecked = z.infer<typeof gradescopeResultsSchema>;
