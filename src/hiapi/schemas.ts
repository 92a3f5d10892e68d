// hiapi response schemas (tolerant: extra fields are kept, shapes are loose where hiapi has varied).
import { z } from 'zod';

export const envelopeSchema = z.looseObject({
	code: z.number().optional(),
	message: z.string().nullish(),
	data: z.unknown(),
	error_code: z.string().nullish(),
});

export const submitDataSchema = z
	.looseObject({
		taskId: z.string().min(1).optional(),
		task_id: z.string().min(1).optional(),
	})
	.refine((d) => d.taskId !== undefined || d.task_id !== undefined, { message: 'data.taskId is missing' });

const outputItemSchema = z.union([
	z.looseObject({
		url: z.string().min(1),
		type: z.string().nullish(),
		expireAt: z.union([z.string(), z.number()]).nullish(),
	}),
	z
		.string()
		.min(1)
		.transform((url) => ({ url, type: undefined, expireAt: undefined })),
]);

/** hiapi's own clock, Unix seconds; anything unreadable counts as absent (it only tunes polling). */
const epochSeconds = z.number().positive().optional().catch(undefined);

export const taskDataSchema = z.looseObject({
	taskId: z.string().nullish(),
	status: z.string().min(1),
	/** When hiapi created the task. */
	created: epochSeconds,
	/** When the task ended (0 while it runs). */
	completed: epochSeconds,
	output: z
		.union([z.array(outputItemSchema), outputItemSchema])
		.nullish()
		.transform((o) => (o == null ? [] : Array.isArray(o) ? o : [o])),
	error: z
		.union([
			z.looseObject({
				code: z.union([z.string(), z.number()]).nullish(),
				message: z.string().nullish(),
			}),
			z.string().transform((message) => ({ code: undefined, message })),
		])
		.nullish(),
});

export type TaskData = z.infer<typeof taskDataSchema>;

export const pricingEntrySchema = z.looseObject({
	model_name: z.string().optional(),
	model: z.string().optional(),
	name: z.string().optional(),
	base_usd_value: z.union([z.number(), z.string()]).optional(),
	usd: z.union([z.number(), z.string()]).optional(),
	price: z.union([z.number(), z.string()]).optional(),
});
