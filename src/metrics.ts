// Prometheus metrics for operators (served on /metrics by http.ts when HEALTH_PORT is set).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'imagine_bot_' });
	const seconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120, 300];
	return {
		registry,
		jobs: new Counter({ name: 'imagine_bot_jobs_total', help: 'Finished /imagine jobs by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
		queueLength: new Gauge({ name: 'imagine_bot_queue_length', help: 'Jobs waiting for a slot', registers: [registry] }),
		runningJobs: new Gauge({ name: 'imagine_bot_running_jobs', help: 'Jobs talking to hiapi now', registers: [registry] }),
		hiapiLatency: new Histogram({
			name: 'imagine_bot_hiapi_request_seconds',
			help: 'hiapi request latency',
			labelNames: ['op'] as const,
			buckets: seconds,
			registers: [registry],
		}),
		hiapiErrors: new Counter({ name: 'imagine_bot_hiapi_errors_total', help: 'hiapi errors by kind', labelNames: ['kind'] as const, registers: [registry] }),
		firstReply: new Histogram({
			name: 'imagine_bot_first_reply_seconds',
			help: 'Interaction received → acknowledged (reply or defer)',
			buckets: seconds,
			registers: [registry],
		}),
		delivery: new Histogram({
			name: 'imagine_bot_delivery_seconds',
			help: 'hiapi task success → image delivered on Discord',
			buckets: seconds,
			registers: [registry],
		}),
		spendCommitted: new Counter({ name: 'imagine_bot_spend_committed_usd_total', help: 'Spend committed (USD)', registers: [registry] }),
		price: new Gauge({ name: 'imagine_bot_price_usd', help: 'Price per image in use (USD)', registers: [registry] }),
		tasksDetected: new Counter({
			name: 'imagine_bot_tasks_detected_total',
			help: 'Finished hiapi tasks by how the bot learned of them (poll or callback)',
			labelNames: ['via'] as const,
			registers: [registry],
		}),
		callbacks: new Counter({
			name: 'imagine_bot_hiapi_callbacks_total',
			help: 'hiapi callbacks received, by result (woke, duplicate, unknown, relayed, refused_signature, refused_stale, bad_body, body_timeout, too_large, relay_refused, …)',
			labelNames: ['result'] as const,
			registers: [registry],
		}),
		shardReady: new Gauge({
			name: 'imagine_bot_shard_ready',
			help: '1 while the gateway shard is ready',
			labelNames: ['shard'] as const,
			registers: [registry],
		}),
		interactions: new Counter({
			name: 'imagine_bot_interactions_total',
			help: 'Interactions received, by gateway shard',
			labelNames: ['shard'] as const,
			registers: [registry],
		}),
	};
}

export type Metrics = ReturnType<typeof createMetrics>;
