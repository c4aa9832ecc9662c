-- Import history, newest first (Import page and `okam imports`).
with final as (
    select
        import_id,
        kind,
        preset,
        file_name,
        status,
        rows_read,
        rows_loaded,
        rows_rejected,
        rows_warned,
        period_start,
        period_end,
        imported_at,
        encoding,
        delimiter,
        sheet,
        date_format,
        sha256
    from imports
)

select * from final
order by import_id desc
