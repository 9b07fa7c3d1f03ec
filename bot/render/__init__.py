"""Pure renderers: (model, translator) -> (html, keyboard). HTML escaping happens here and only here."""
