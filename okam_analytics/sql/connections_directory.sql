-- Every connection (never a token: only the name of the variable that holds it).
with

final as (
    select
        name,
        type,
        base_url,
        options,
        secret_env,
        cursor,
        last_sync_at,
        last_status,
        last_rows,
        last_error,
        last_import_id
    from connections
    order by name
)

select * from final
