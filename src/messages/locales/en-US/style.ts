// English (en-US), the source: /style's replies and refusals, /imagine's style suggestions, Remix's style field, style audit lines.
// Names and templates arrive inert; `{placeholder}` is the template placeholder itself (passed in, so no ICU quoting).
export default {
	'style.hint.photo': 'realistic photograph, natural light',
	'style.hint.cinematic': 'film still, dramatic light, widescreen',
	'style.hint.anime': 'cel-shaded anime illustration',
	'style.hint.watercolor': 'soft washes on textured paper',
	'style.hint.oil-painting': 'thick brushstrokes on canvas',
	'style.hint.pixel-art': '16-bit retro game pixels',
	'style.hint.3d-render': 'clean studio 3D render',
	'style.hint.line-art': 'black ink outlines, no colour',
	'style.hint.comic-book': 'bold inks, halftone, flat colour',
	'style.hint.fantasy-art': 'epic painterly fantasy scene',
	'style.serverHint': 'server style: {template}',

	'style.onlyInServer': 'Server styles can be added and removed only in a server.',
	'style.needsManageServer': 'You need the Manage Server permission to add or remove server styles.',
	'style.badName': 'A style name must be 1–{max} characters, with no control or invisible characters.',
	'style.badTemplate': 'A template must be 1–{max} characters.',
	'style.controlInTemplate': 'A template cannot contain control characters.',
	'style.noPlaceholder': "A template must contain `{placeholder}`, where the member's words go: e.g. `a watercolor of {placeholder}, soft morning light`.",
	'style.builtInName': '"{name}" is the name of a built-in style. Pick another name.',
	'style.builtInRemove': '"{name}" is a built-in style; it cannot be removed.',
	'style.already': 'This server already has a style named "{name}". Remove it first to change it.',
	'style.full': 'This server already has {max} styles, the most it can have. Remove one with `{styleRemoveCmd}` first.',
	'style.notListed': 'This server has no style named "{name}". See `{styleListCmd}`.',
	'style.unknown':
		'There is no style named "{name}"{dm, select, yes { (in direct messages only the built-in styles work)} other {}}. See `{styleListCmd}` for the styles you can use.',
	'style.tooLong':
		'With this style the prompt would be {length} characters, over the {max} the image service accepts. Shorten your prompt or pick another style.',
	'style.addedTitle': 'Style added',
	'style.added': 'Members can now pick **{name}** in `{imagineStyleOpt}:`. {count} of {max} server styles used.',
	'style.removedTitle': 'Style removed',
	'style.removed': '**{name}** is no longer offered. Images already made with it keep it. {count, plural, one {# server style} other {# server styles}} left.',

	'style.listTitle': 'Styles ({count} of {max} server styles)',
	'style.listBuiltIn': '**Built in:**',
	'style.listServer': '**This server:**',
	'style.listServerNone': '**This server:** none yet. Moderators add them with `{styleAddCmd}`.',
	'style.listFoot': 'See one style whole with `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {built in} other {this server}})',

	'style.remixLabel': 'Style',
	'style.noStyle': 'No style',
	'style.noStyleHint': "Only the prompt's own words",
	'style.imageStyle': 'The style of this image',

	'style.auditAdd': 'added style {style}',
	'style.auditRemove': 'removed style {style}',
} as const;
