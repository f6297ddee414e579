//! The row generator.

/// Australian states and territories, as the course's dataset uses them.
pub const REGIONS: [&str; 8] = ["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"];

/// Products sold.
pub const PRODUCTS: [&str; 6] = ["laptop", "phone", "tablet", "monitor", "keyboard", "headphones"];

/// One sale.
#[derive(Debug, Clone, PartialEq)]
pub struct SaleRow {
    /// 1-based row id.
    pub id: i64,
    /// Region code.
    pub region: &'static str,
    /// Product name.
    pub product: &'static str,
    /// Amount in dollars, two decimals, in 0.00..500.00.
    pub amount: f64,
    /// Seconds since 2025-01-01 00:00:00 UTC, within 2025.
    pub ts_offset_secs: u32,
}

const SECONDS_IN_2025: u64 = 365 * 24 * 3600;

/// The first `n` rows of the dataset.
pub fn sales(n: u64) -> impl Iterator<Item = SaleRow> {
    sales_range(0, n)
}

/// Rows `start..end` of the dataset (0-based positions; ids are `start + 1..=end`).
pub fn sales_range(start: u64, end: u64) -> impl Iterator<Item = SaleRow> {
    (start..end).map(row)
}

fn row(i: u64) -> SaleRow {
    let h1 = splitmix64(i.wrapping_mul(4).wrapping_add(1));
    let h2 = splitmix64(i.wrapping_mul(4).wrapping_add(2));
    let h3 = splitmix64(i.wrapping_mul(4).wrapping_add(3));
    SaleRow {
        id: i as i64 + 1,
        region: REGIONS[(h1 % REGIONS.len() as u64) as usize],
        product: PRODUCTS[((h1 >> 32) % PRODUCTS.len() as u64) as usize],
        amount: (h2 % 50_000) as f64 / 100.0,
        ts_offset_secs: (h3 % SECONDS_IN_2025) as u32,
    }
}

/// SplitMix64: a tiny, well-mixed, platform-independent hash.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SaleRow {
    /// `ts` as `YYYY-MM-DD HH:MM:SS` (UTC).
    pub fn ts_string(&self) -> String {
        let days = self.ts_offset_secs / 86_400;
        let rem = self.ts_offset_secs % 86_400;
        let (month, day) = month_day_2025(days);
        format!("2025-{month:02}-{day:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
    }

    /// `ts` as microseconds since the Unix epoch.
    pub fn ts_micros(&self) -> i64 {
        const EPOCH_2025: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
        (EPOCH_2025 + self.ts_offset_secs as i64) * 1_000_000
    }
}

fn month_day_2025(mut day_of_year: u32) -> (u32, u32) {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (m, len) in DAYS.iter().enumerate() {
        if day_of_year < *len {
            return (m as u32 + 1, day_of_year + 1);
        }
        day_of_year -= len;
    }
    (12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix_stable() {
        let a: Vec<_> = sales(50).collect();
        let b: Vec<_> = sales(1000).take(50).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn values_in_range_and_all_regions_used() {
        let rows: Vec<_> = sales(10_000).collect();
        assert!(rows.iter().all(|r| (0.0..500.0).contains(&r.amount)));
        assert!(rows.iter().all(|r| r.ts_string().starts_with("2025-")));
        for region in REGIONS {
            let n = rows.iter().filter(|r| r.region == region).count();
            assert!(n > 1000 && n < 1500, "{region}: {n}");
        }
    }

    #[test]
    fn calendar_edges() {
        assert_eq!(month_day_2025(0), (1, 1));
        assert_eq!(month_day_2025(31), (2, 1));
        assert_eq!(month_day_2025(364), (12, 31));
    }
}
