//! Loading a [`ResponseTable`] from a CSV file with a column mapping.
//!
//! Empty score cells mean the respondent skipped the question (not an error); every
//! other problem — a cell that is not a number, an out-of-range score, an unparsable
//! timestamp, invalid UTF-8, a record with the wrong number of fields — makes the row
//! bad, and [`Policy`] decides whether that is an error or a counted skip.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::table::{
    AttributeColumn, Policy, ResponseTable, ScoreColumn, TableBuilder, TimestampColumn,
};

/// Which CSV column plays which role. Unset roles are absent from the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvMapping {
    pub nps: Option<String>,
    pub csat: Option<String>,
    /// CSAT scale points (default 5).
    pub csat_points: u8,
    pub ces: Option<String>,
    pub weight: Option<String>,
    pub timestamp: Option<String>,
    /// Categorical attribute columns.
    pub attributes: Vec<String>,
    pub comment: Option<String>,
    pub respondent_id: Option<String>,
    /// Field delimiter (default `,`).
    pub delimiter: u8,
}

impl Default for CsvMapping {
    fn default() -> Self {
        CsvMapping {
            nps: None,
            csat: None,
            csat_points: 5,
            ces: None,
            weight: None,
            timestamp: None,
            attributes: Vec::new(),
            comment: None,
            respondent_id: None,
            delimiter: b',',
        }
    }
}

/// Reads a CSV file (with a header row) into a table.
pub fn read_csv(
    path: impl AsRef<Path>,
    mapping: &CsvMapping,
    policy: Policy,
) -> Result<ResponseTable> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| CxmError::Csv {
        row: None,
        message: format!("{}: {e}", path.display()),
    })?;
    read_csv_from(std::io::BufReader::new(file), mapping, policy)
}

/// Reads CSV from any reader (with a header row) into a table.
pub fn read_csv_from<R: Read>(
    reader: R,
    mapping: &CsvMapping,
    policy: Policy,
) -> Result<ResponseTable> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        .flexible(true)
        .from_reader(reader);
    let headers: Vec<String> = rdr
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let find = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| CxmError::MissingColumn {
                column: name.to_string(),
                available: headers.join(", "),
            })
    };
    let resolve = |col: &Option<String>| col.as_deref().map(find).transpose();
    let roles = [
        ("nps", resolve(&mapping.nps)?),
        ("csat", resolve(&mapping.csat)?),
        ("ces", resolve(&mapping.ces)?),
        ("weight", resolve(&mapping.weight)?),
        ("timestamp", resolve(&mapping.timestamp)?),
        ("comment", resolve(&mapping.comment)?),
        ("respondent_id", resolve(&mapping.respondent_id)?),
    ];
    let attr_idx: Vec<usize> = mapping
        .attributes
        .iter()
        .map(|a| find(a))
        .collect::<Result<_>>()?;

    // Text of every mapped column, one Vec per column, in mapping order.
    let mapped: Vec<usize> = roles
        .iter()
        .filter_map(|(_, i)| *i)
        .chain(attr_idx.iter().copied())
        .collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); mapped.len()];
    let mut invalid: Vec<(usize, CxmError)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut row = 0usize;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.len() != headers.len() {
                    invalid.push((
                        row,
                        CxmError::Csv {
                            row: Some(row),
                            message: format!(
                                "record has {} fields, header has {}",
                                record.len(),
                                headers.len()
                            ),
                        },
                    ));
                }
                for (slot, &col) in cells.iter_mut().zip(&mapped) {
                    let raw = record.get(col).unwrap_or_default();
                    match std::str::from_utf8(raw) {
                        Ok(s) => slot.push(s.to_string()),
                        Err(_) => {
                            invalid.push((
                                row,
                                CxmError::InvalidUtf8 {
                                    row,
                                    column: headers[col].clone(),
                                },
                            ));
                            slot.push(String::new());
                        }
                    }
                }
            }
            Err(e) => {
                // Unrecoverable reader errors (I/O) end the load.
                return Err(csv_error(e));
            }
        }
        row += 1;
    }
    if row == 0 {
        return Err(CxmError::EmptyInput {
            what: "CSV has a header but no data rows".into(),
        });
    }

    let mut cols = cells.iter();
    let mut take = |present: bool| if present { cols.next() } else { None };
    let text: Vec<Option<&Vec<String>>> = roles.iter().map(|(_, i)| take(i.is_some())).collect();
    let attr_text: Vec<&Vec<String>> = attr_idx.iter().filter_map(|_| cols.next()).collect();

    let mut numbers = |role: usize| -> Option<(Vec<f64>, Vec<bool>)> {
        let col = text[role]?;
        let name = roles[role]
            .1
            .map(|i| headers[i].clone())
            .unwrap_or_default();
        let mut values = Vec::with_capacity(col.len());
        let mut present = Vec::with_capacity(col.len());
        for (r, s) in col.iter().enumerate() {
            let t = s.trim();
            if t.is_empty() && role < 3 {
                values.push(0.0);
                present.push(false);
                continue;
            }
            match t.parse::<f64>() {
                Ok(v) => values.push(v),
                Err(_) => {
                    invalid.push((
                        r,
                        CxmError::InvalidNumber {
                            row: r,
                            column: name.clone(),
                            value: s.clone(),
                        },
                    ));
                    values.push(0.0);
                }
            }
            present.push(true);
        }
        Some((values, present))
    };
    let nps = numbers(0);
    let csat = numbers(1);
    let ces = numbers(2);
    let weight = numbers(3);
    let ts = strs(text[4]);
    let comment = strs(text[5]);
    let ids = strs(text[6]);
    let attrs: Vec<Vec<&str>> = attr_text
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();

    let mut b = TableBuilder::new().csat_points(mapping.csat_points);
    if let Some(c) = score(&nps) {
        b = b.nps(c);
    }
    if let Some(c) = score(&csat) {
        b = b.csat(c);
    }
    if let Some(c) = score(&ces) {
        b = b.ces(c);
    }
    if let Some((w, _)) = &weight {
        b = b.weight(w);
    }
    if let Some(t) = &ts {
        b = b.timestamp(TimestampColumn::Text(t));
    }
    if let Some(c) = &comment {
        b = b.comment(c);
    }
    if let Some(c) = &ids {
        b = b.respondent_id(c);
    }
    for (name, col) in mapping.attributes.iter().zip(&attrs) {
        b = b.attribute(name.clone(), AttributeColumn::Text(col));
    }
    for ((role, idx), _) in roles.iter().zip(0..) {
        if let Some(i) = idx {
            b = b.column_name(role, headers[*i].clone());
        }
    }
    for (r, e) in invalid {
        b = b.invalid_row(r, e);
    }
    b.build(policy)
}

fn strs(v: Option<&Vec<String>>) -> Option<Vec<&str>> {
    v.map(|v| v.iter().map(String::as_str).collect())
}

fn score(v: &Option<(Vec<f64>, Vec<bool>)>) -> Option<ScoreColumn<'_>> {
    v.as_ref().map(|(values, present)| ScoreColumn {
        values: values.as_slice(),
        present: Some(present.as_slice()),
    })
}

fn csv_error(e: csv::Error) -> CxmError {
    let row = e.position().map(|p| p.record().saturating_sub(1) as usize);
    CxmError::Csv {
        row,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricKind;
    use crate::table::SkipReason;

    fn mapping() -> CsvMapping {
        CsvMapping {
            nps: Some("nps".into()),
            ces: Some("ces".into()),
            timestamp: Some("when".into()),
            attributes: vec!["store".into()],
            comment: Some("comment".into()),
            ..CsvMapping::default()
        }
    }

    #[test]
    fn reads_and_accounts() {
        let data = "nps,ces,when,store,comment\n\
                    10,7,2025-01-01T10:00:00+01:00,A,great\n\
                    3,,2025-01-01T11:00:00+01:00,B,slow\n\
                    x,5,2025-01-01T12:00:00+01:00,A,\n\
                    12,5,2025-01-01T12:00:00+01:00,A,\n\
                    5,5,soon,A,\n\
                    5,5\n";
        let t = read_csv_from(data.as_bytes(), &mapping(), Policy::Skip).unwrap();
        let r = t.load_report();
        assert_eq!((r.rows_in, r.rows_accepted), (6, 2));
        assert_eq!(r.skipped[&SkipReason::InvalidNumber], 1);
        assert_eq!(r.skipped[&SkipReason::InvalidScore], 1);
        assert_eq!(r.skipped[&SkipReason::InvalidTimestamp], 1);
        assert_eq!(r.skipped[&SkipReason::MalformedRecord], 1);
        assert_eq!(t.distribution(MetricKind::Ces).unwrap().n(), 1);
        assert_eq!(t.comments().unwrap(), ["great", "slow"]);

        let e = read_csv_from(data.as_bytes(), &mapping(), Policy::Reject).unwrap_err();
        assert_eq!(
            e,
            CxmError::InvalidNumber {
                row: 2,
                column: "nps".into(),
                value: "x".into()
            }
        );
    }

    #[test]
    fn invalid_utf8_and_missing_column() {
        let mut data = b"nps,ces,when,store,comment\n10,7,0,".to_vec();
        data.extend_from_slice(&[0xff, 0xfe]);
        data.extend_from_slice(b",ok\n");
        let e = read_csv_from(&data[..], &mapping(), Policy::Reject).unwrap_err();
        assert!(matches!(e, CxmError::InvalidUtf8 { row: 0, .. }), "{e}");
        let e = read_csv_from(&b"a,b\n1,2\n"[..], &mapping(), Policy::Reject).unwrap_err();
        assert!(matches!(e, CxmError::MissingColumn { .. }));
        let e = read_csv_from(
            &b"nps,ces,when,store,comment\n"[..],
            &mapping(),
            Policy::Reject,
        )
        .unwrap_err();
        assert!(matches!(e, CxmError::EmptyInput { .. }));
    }
}
