-- A new connection. Params: $connection, $type, $base_url, $options (JSON text), $secret_env.
insert into connections (name, type, base_url, options, secret_env)
values ($connection, $type, $base_url, $options::json, $secret_env)
