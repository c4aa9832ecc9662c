-- Forget the stored values of the given setting keys ($keys): they fall back to their defaults.
delete from settings
where list_contains($keys::varchar[], key)
