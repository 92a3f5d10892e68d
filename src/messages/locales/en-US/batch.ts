// English (en-US), the source: batches (`/imagine count:`): the refusal that says how many would fit, progress, the
// note on a card where some images failed (and why, in a few words), links to images too large to attach.
export default {
	'batch.refusal': 'There is budget for {fits} of the {count} images right now ({price} each), so none were made.',
	'batch.refusalAsk': 'Ask for {fits, plural, one {# image} other {# images}} or fewer. You were not charged.',
	'batch.submitting': '⏳ Sending your {count} prompts to the image service… ({seconds} s)',
	'batch.generating': '🎨 Generating your {count} images… {ready} of {count} ready ({seconds} s)',
	'batch.why.contentFilter': "the image service's content filter rejected it",
	'batch.why.taskFailed': "the image service couldn't generate it",
	'batch.why.invalidInput': 'the image service rejected the prompt',
	'batch.why.timeout': 'it took too long',
	'batch.why.download': "it couldn't be fetched from the image service",
	'batch.why.busy': 'the image service was busy',
	'batch.why.internal': "something went wrong on the bot's side",
	'batch.why.refused': 'the image service refused the bot (tell a moderator)',
	'batch.why.badResponse': 'the image service answered in a way the bot did not understand',
	'batch.failedNote':
		'⚠️ {made} of {count} images made; {failed, plural, one {# failed: {why}. You were not charged for it} other {# failed: {why}. You were not charged for them}}.',
	'batch.links': '{n, plural, one {One image is} other {# images are}} larger than Discord allows here, so here are links:',
	'batch.linksExpire': '{n, plural, one {One image is} other {# images are}} larger than Discord allows here, so here are links (they expire {relative}):',
	'batch.styleFact': 'Style {name}',
} as const;
