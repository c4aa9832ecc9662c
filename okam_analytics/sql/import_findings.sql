-- The rejected and warned rows of one import (Import page: the report of a past import).
with

findings as (

    select
        line,
        "column",
        value,
        reason,
        severity
    from import_rejects
    where import_id = $import_id

),

final as (

    select * from findings

)

select * from final
order by line, severity, "column"
