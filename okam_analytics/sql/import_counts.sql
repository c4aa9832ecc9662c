-- How many imports exist, how many are active, and how many active ones are bundled sample files
-- (matched by the sha256 of their bytes). Used by the app to load and flag the sample data.
with

import_status as (

    select
        count(*) as count_imports,
        count(*) filter (where status = 'active') as count_active,
        count(*) filter (
            where status = 'active' and list_contains($sample_hashes::varchar[], sha256)
        ) as count_active_sample
    from imports

),

final as (

    select * from import_status

)

select * from final
