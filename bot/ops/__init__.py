"""Running the bot: content reloads, announcements to every subscriber, the digest channel, health."""
